/* Compiled hot paths of the fast tier (built by setup.py on `pip install -e .`).
 *
 * Everything here computes exactly what the Python reference in triage/pipeline/reference.py
 * computes (tests/unit/test_native.py checks it on generated and awkward multilingual text):
 *
 *   clean(text)          the tail of text.normalize after NFKC: invisible characters removed,
 *                        whitespace runs collapsed to one space, stripped
 *   fold_flags(text)     which of fold's regexes can match at all (bit set)
 *   fold_tail(text)      the tail of text.fold after lower(): Arabic-script letter variants
 *                        unified, harakat and tatweel dropped, elongations shortened, whitespace
 *                        collapsed, stripped
 *   Vocab(vocabulary)    a fitted n-gram vocabulary (term -> column) as an open-addressing table
 *   CueTable(...)        the cue words and phrases of lexicon.CueMatcher
 *   featurize(...)       char_wb 1-4 and word 1-2 n-gram counts -> sublinear TF x IDF, L2 per
 *                        block (scikit-learn's TfidfVectorizer.transform, operation for
 *                        operation) plus the 16 cue features, as one CSR matrix
 *   cue_matrix(...)      the 16 cue features alone (dense)
 *   cue_tokens(...)      urgency_cues.match_tokens of a batch of texts (the urgency and abuse cues)
 *   abuse_suspects(...)  abuse_cues._suspect of a batch (may a text hide an obfuscated word?)
 *   CueScan(...)         the urgency or abuse cues as tables: counts per category of a batch,
 *                        tokens, lookups and the scan in one pass (UrgencyCues._spans exactly)
 *
 * Character classes are CPython's own (Py_UNICODE_ISALNUM, ISSPACE, ...), i.e. what the `re`
 * module's \w, \s, \d and str.isalpha/isupper/split use, so tokens and words split alike.
 * Float arithmetic follows numpy/scikit-learn step by step (float32 products, a double sum of
 * float32 squares for the norm); build with -ffp-contract=off so no FMA changes a rounding.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* ------------------------------------------------------------------ big tables
 * The lookup tables are megabytes and read at random: on 4 KiB pages most lookups would also miss
 * the TLB, so on Linux they live on transparent huge pages where the system allows it. */

#if defined(__linux__) && defined(MADV_HUGEPAGE)
static void *big_alloc(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    size_t size = n < huge ? (n ? n : 1) : (n + huge - 1) & ~(huge - 1);
    void *p = NULL;
    if (posix_memalign(&p, n < huge ? 64 : huge, size)) return NULL;
    if (n >= huge) madvise(p, size, MADV_HUGEPAGE);
    return p;
}
#else
static void *big_alloc(size_t n) { return malloc(n ? n : 1); }
#endif
static void big_free(void *p) { free(p); }

/* ------------------------------------------------------------------ character classes */

enum { C_WORD = 1, C_SPACE = 2, C_ALPHA = 4, C_UPPER = 8, C_DECIMAL = 16 };

static uint8_t ctab[0x10000];

static inline uint8_t classify(Py_UCS4 c)
{
    uint8_t f = 0;
    if (Py_UNICODE_ISALNUM(c) || c == '_') f |= C_WORD; /* re's \w (and \b) */
    if (Py_UNICODE_ISSPACE(c)) f |= C_SPACE;            /* re's \s, str.split, str.strip */
    if (Py_UNICODE_ISALPHA(c)) f |= C_ALPHA;            /* str.isalpha of one character */
    if (Py_UNICODE_ISUPPER(c)) f |= C_UPPER;            /* str.isupper of one character */
    if (Py_UNICODE_ISDECIMAL(c)) f |= C_DECIMAL;        /* re's \d */
    return f;
}

static inline uint8_t cclass(Py_UCS4 c) { return c < 0x10000 ? ctab[c] : classify(c); }
static inline int is_word(Py_UCS4 c) { return cclass(c) & C_WORD; }
static inline int is_space(Py_UCS4 c) { return cclass(c) & C_SPACE; }

/* text.normalize's _INVISIBLE */
static inline int is_invisible(Py_UCS4 c)
{
    return c == 0x00ad || c == 0x200b || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* ------------------------------------------------------------------ growable buffers */

typedef struct {
    Py_UCS4 *p;
    Py_ssize_t len, cap;
} Buf;

static int buf_reserve(Buf *b, Py_ssize_t n)
{
    if (n <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 256;
    while (cap < n) cap *= 2;
    Py_UCS4 *p = PyMem_Realloc(b->p, (size_t)cap * sizeof(Py_UCS4));
    if (!p) {
        PyErr_NoMemory();
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static void buf_free(Buf *b)
{
    PyMem_Free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Copy a str's code points into b (b->len = its length). */
static int buf_load(Buf *b, PyObject *s)
{
    if (!PyUnicode_Check(s)) {
        PyErr_Format(PyExc_TypeError, "expected str, got %.100s", Py_TYPE(s)->tp_name);
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (buf_reserve(b, n + 2) < 0) return -1;
    if (n && !PyUnicode_AsUCS4(s, b->p, b->cap, 0)) return -1;
    b->len = n;
    return 0;
}

/* ------------------------------------------------------------------ clean / fold helpers */

/* normalize()'s tail: _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip() */
static PyObject *py_clean(PyObject *Py_UNUSED(mod), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "clean() expects a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int change = 0, prev_space = 1;
    for (Py_ssize_t i = 0; i < n && !change; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (is_space(c)) {
            if (c != ' ' || prev_space) change = 1;
            prev_space = 1;
        }
        else {
            if (c >= 0x00ad && is_invisible(c)) change = 1;
            prev_space = 0;
        }
    }
    if (n && prev_space) change = 1; /* trailing whitespace */
    if (!change) {
        Py_INCREF(text);
        return text;
    }
    Py_UCS4 *out = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_UCS4));
    if (!out) return PyErr_NoMemory();
    Py_ssize_t m = 0;
    int pending = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x00ad && is_invisible(c)) continue;
        if (is_space(c)) {
            pending = 1;
            continue;
        }
        if (pending && m) out[m++] = ' ';
        pending = 0;
        out[m++] = c;
    }
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, m);
    PyMem_Free(out);
    return res;
}

enum { F_AT = 1, F_SLASH = 2, F_DOT = 4, F_DIGIT = 8, F_DIGITS8 = 16, F_ARABIC = 32 };

/* Which of fold()'s substitutions can match: '@' (e-mail, mention), '/' and '.' (URLs),
 * decimal digits (numbers; 8 or more for phone numbers). */
static PyObject *py_fold_flags(PyObject *Py_UNUSED(mod), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "fold_flags() expects a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), digits = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    long flags = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '@') flags |= F_AT;
        else if (c == '/') flags |= F_SLASH;
        else if (c == '.') flags |= F_DOT;
        else if (cclass(c) & C_DECIMAL) digits++;
    }
    if (digits) flags |= F_DIGIT;
    if (digits >= 8) flags |= F_DIGITS8;
    return PyLong_FromLong(flags);
}

/* text._NUMBER.sub("0", text): each run \d+(?:[.,]\d+)* (\d: decimal digits of any script)
 * becomes one "0". */
static PyObject *py_fold_numbers(PyObject *Py_UNUSED(mod), PyObject *text)
{
    Buf b = {0};
    if (buf_load(&b, text) < 0) return NULL;
    Py_UCS4 *a = b.p; /* in place: only shortens */
    Py_ssize_t n = b.len, m = 0, i = 0;
    while (i < n) {
        if (!(cclass(a[i]) & C_DECIMAL)) {
            a[m++] = a[i++];
            continue;
        }
        while (i < n && (cclass(a[i]) & C_DECIMAL)) i++;
        while (i + 1 < n && (a[i] == '.' || a[i] == ',') && (cclass(a[i + 1]) & C_DECIMAL)) {
            i++;
            while (i < n && (cclass(a[i]) & C_DECIMAL)) i++;
        }
        a[m++] = '0';
    }
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, a, m);
    buf_free(&b);
    return res;
}

/* text._ARABIC_FOLD and _ARABIC_DIACRITICS: the replacement, 0 to drop, or c itself */
static inline Py_UCS4 arabic_fold(Py_UCS4 c)
{
    switch (c) {
    case 0x064a: case 0x0649: return 0x06cc;
    case 0x0643: return 0x06a9;
    case 0x0623: case 0x0625: case 0x0622: return 0x0627;
    case 0x0629: return 0x0647;
    case 0x0640: return 0;
    default:
        if ((c >= 0x064b && c <= 0x0652) || c == 0x0670) return 0;
        return c;
    }
}

/* fold()'s tail after lower(): translate(_ARABIC_FOLD), _ARABIC_DIACRITICS.sub(""),
 * _ELONGATION.sub(r"\1\1"), _SPACE.sub(" ").strip() */
static PyObject *py_fold_tail(PyObject *Py_UNUSED(mod), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "fold_tail() expects a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    /* fast check: nothing to do? */
    int change = 0, prev_space = 1;
    Py_UCS4 p1 = 0, p2 = 0; /* the two previous characters */
    for (Py_ssize_t i = 0; i < n && !change; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x0622 && c <= 0x0670 && arabic_fold(c) != c) change = 1;
        if (is_space(c)) {
            if (c != ' ' || prev_space) change = 1;
            prev_space = 1;
        }
        else prev_space = 0;
        if (i >= 2 && c == p1 && c == p2) change = 1;
        p2 = p1;
        p1 = c;
    }
    if (n && prev_space) change = 1;
    if (!change) {
        Py_INCREF(text);
        return text;
    }
    Py_UCS4 *a = PyMem_Malloc((size_t)(2 * (n ? n : 1)) * sizeof(Py_UCS4));
    if (!a) return PyErr_NoMemory();
    Py_UCS4 *out = a + n;
    Py_ssize_t la = 0, m = 0;
    for (Py_ssize_t i = 0; i < n; i++) { /* translate + drop diacritics */
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x0622 && c <= 0x0670) {
            c = arabic_fold(c);
            if (!c) continue;
        }
        a[la++] = c;
    }
    int pending = 0;
    for (Py_ssize_t i = 0; i < la;) { /* runs: elongation, then whitespace collapse + strip */
        Py_UCS4 c = a[i];
        Py_ssize_t j = i + 1;
        while (j < la && a[j] == c) j++;
        if (is_space(c)) pending = 1;
        else {
            if (pending && m) out[m++] = ' ';
            pending = 0;
            Py_ssize_t keep = j - i >= 3 ? 2 : j - i; /* (.)\1{2,}: '.' is not '\n', a space */
            for (Py_ssize_t k = 0; k < keep; k++) out[m++] = c;
        }
        i = j;
    }
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, m);
    PyMem_Free(a);
    return res;
}

/* _URL_HINT.search(text) is not None, for
 *   re.compile(r"www\.|\.(?:com|net|org|ly|co|io|me|ro|vn|ir|info|biz|xyz)\b", re.IGNORECASE)
 * IGNORECASE as the re module does it: a character matches a pattern letter when its simple
 * lower case is that letter, and 'i' also matches dotless 'ı' (re._casefix). */
static const char *const url_tlds[] = {"com", "net", "org", "ly", "co", "io", "me", "ro", "vn", "ir",
                                       "info", "biz", "xyz", NULL};

static inline int ci_eq(Py_UCS4 c, char letter)
{
    Py_UCS4 lo = c < 0x80 ? (Py_UCS4)((c >= 'A' && c <= 'Z') ? c + 32 : c) : Py_UNICODE_TOLOWER(c);
    return lo == (Py_UCS4)letter || (letter == 'i' && c == 0x0131) || (letter == 's' && c == 0x017f);
}

static PyObject *py_url_hint(PyObject *Py_UNUSED(mod), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "url_hint() expects a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *d = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, d, i);
        if (c == '.') {
            for (int t = 0; url_tlds[t]; t++) {
                const char *tld = url_tlds[t];
                Py_ssize_t k = 0, len = (Py_ssize_t)strlen(tld);
                if (i + 1 + len > n) continue;
                while (k < len && ci_eq(PyUnicode_READ(kind, d, i + 1 + k), tld[k])) k++;
                if (k == len && (i + 1 + len == n || !is_word(PyUnicode_READ(kind, d, i + 1 + len)))) Py_RETURN_TRUE;
            }
        }
        else if ((c == 'w' || c == 'W') && i + 3 < n && ci_eq(PyUnicode_READ(kind, d, i + 1), 'w') &&
                 ci_eq(PyUnicode_READ(kind, d, i + 2), 'w') && PyUnicode_READ(kind, d, i + 3) == '.')
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* _URL.sub(repl, text) for
 *   (?:https?://|www\.)\S+
 *   |\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|ly|co|io|me|ro|vn|ir|info|biz|xyz)(?:/\S*)?\b
 * with re.IGNORECASE, matched the way the re module backtracks: at each position the first
 * branch, then the second; in the second the greedy dotted run gives back whole segments, the last
 * dot first, each dot tries the domains in the pattern's order, each domain the longest path that
 * ends on a word boundary, then none. */
static inline int at_boundary(const Py_UCS4 *t, Py_ssize_t n, Py_ssize_t q)
{
    int before = q > 0 && is_word(t[q - 1]), after = q < n && is_word(t[q]);
    return before != after;
}

static inline int wordish(Py_UCS4 c) { return c == '-' || is_word(c); } /* [\w-] */

/* End of a URL match starting at p, or -1. */
static Py_ssize_t url_match(const Py_UCS4 *t, Py_ssize_t n, Py_ssize_t p)
{
    /* branch 1: (?:https?://|www\.)\S+ -- "https://", then "http://", then "www.", each needing
     * at least one non-space character after it */
    Py_ssize_t heads[3] = {-1, -1, -1};
    if (p + 4 <= n && ci_eq(t[p], 'h') && ci_eq(t[p + 1], 't') && ci_eq(t[p + 2], 't') && ci_eq(t[p + 3], 'p')) {
        Py_ssize_t r = p + 4;
        if (r + 4 <= n && ci_eq(t[r], 's') && t[r + 1] == ':' && t[r + 2] == '/' && t[r + 3] == '/') heads[0] = r + 4;
        if (r + 3 <= n && t[r] == ':' && t[r + 1] == '/' && t[r + 2] == '/') heads[1] = r + 3;
    }
    if (p + 4 <= n && ci_eq(t[p], 'w') && ci_eq(t[p + 1], 'w') && ci_eq(t[p + 2], 'w') && t[p + 3] == '.')
        heads[2] = p + 4;
    for (int h = 0; h < 3; h++) {
        Py_ssize_t q = heads[h];
        if (q >= 0 && q < n && !is_space(t[q])) {
            while (q < n && !is_space(t[q])) q++;
            return q;
        }
    }
    /* branch 2 */
    if (!at_boundary(t, n, p) || p >= n || !wordish(t[p])) return -1;
    Py_ssize_t e = p;
    while (e < n && wordish(t[e])) e++;
    while (e + 1 < n && t[e] == '.' && wordish(t[e + 1])) {
        e++;
        while (e < n && wordish(t[e])) e++;
    }
    for (Py_ssize_t d = e - 1; d > p; d--) { /* the dots inside the run, last first */
        if (t[d] != '.') continue;
        for (int k = 0; url_tlds[k]; k++) {
            const char *tld = url_tlds[k];
            Py_ssize_t len = (Py_ssize_t)strlen(tld), j = 0;
            if (d + 1 + len > n) continue;
            while (j < len && ci_eq(t[d + 1 + j], tld[j])) j++;
            if (j < len) continue;
            Py_ssize_t a = d + 1 + len; /* after the domain */
            if (a < n && t[a] == '/') { /* (?:/\S*)? greedy, then \b */
                Py_ssize_t z = a + 1;
                while (z < n && !is_space(t[z])) z++;
                for (; z > a; z--)
                    if (at_boundary(t, n, z)) return z;
            }
            if (at_boundary(t, n, a)) return a;
        }
    }
    return -1;
}

/* url_sub(text, repl) -> _URL.sub(repl, text) */
static PyObject *py_url_sub(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *text, *repl;
    if (!PyArg_ParseTuple(args, "UU", &text, &repl)) return NULL;
    Buf b = {0}, r = {0}, o = {0};
    if (buf_load(&b, text) < 0 || buf_load(&r, repl) < 0) goto fail;
    Py_ssize_t n = b.len, last = 0;
    int changed = 0;
    for (Py_ssize_t p = 0; p < n;) {
        Py_ssize_t e = url_match(b.p, n, p);
        if (e < 0) {
            p++;
            continue;
        }
        changed = 1;
        if (buf_reserve(&o, o.len + (p - last) + r.len + 1) < 0) goto fail;
        memcpy(o.p + o.len, b.p + last, (size_t)(p - last) * sizeof(Py_UCS4));
        o.len += p - last;
        memcpy(o.p + o.len, r.p, (size_t)r.len * sizeof(Py_UCS4));
        o.len += r.len;
        p = last = e;
    }
    PyObject *res;
    if (!changed) {
        Py_INCREF(text);
        res = text;
    }
    else {
        if (buf_reserve(&o, o.len + (n - last) + 1) < 0) goto fail;
        memcpy(o.p + o.len, b.p + last, (size_t)(n - last) * sizeof(Py_UCS4));
        o.len += n - last;
        res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, o.p, o.len);
    }
    buf_free(&b);
    buf_free(&r);
    buf_free(&o);
    return res;
fail:
    buf_free(&b);
    buf_free(&r);
    buf_free(&o);
    return NULL;
}

/* ------------------------------------------------------------------ language ID helpers */

/* langid._NOT_TEXT's complement: a letter or mark of the scripts we read, ZWNJ or an in-word
 * apostrophe/hyphen, and not a digit or '_' */
static inline int lid_is_text(Py_UCS4 c)
{
    uint8_t k = cclass(c);
    if ((k & C_DECIMAL) || c == '_') return 0;
    if (k & C_WORD) return 1;
    return (c >= 0x0300 && c <= 0x036f) || (c >= 0x0610 && c <= 0x061a) || (c >= 0x064b && c <= 0x065f) ||
           c == 0x0670 || (c >= 0x06d6 && c <= 0x06ed) || (c >= 0x0900 && c <= 0x097f) || c == 0x200c ||
           c == '\'' || c == 0x2019 || c == '-';
}

static inline int lid_stray(Py_UCS4 c) { return c == '\'' || c == 0x2019 || c == '-'; }

/* langid.prepare's tail, on the lower-cased text cut to MAX_CHARS:
 *   _NOT_TEXT.sub(" "); _SPACE.sub(" ", _STRAY.sub(" ")); _ELONGATION.sub(r"\1\1"); strip()
 * _STRAY = (?<!\w)['’-]+|['’-]+(?!\w) turns a run of apostrophes/hyphens into spaces unless it is
 * a single one between two word characters. */
static PyObject *py_lid_tail(PyObject *Py_UNUSED(mod), PyObject *text)
{
    Buf b = {0};
    if (buf_load(&b, text) < 0) return NULL;
    Py_ssize_t n = b.len, m = 0;
    Py_UCS4 *a = b.p; /* in place: every step only shortens */
    int in_gap = 0;
    for (Py_ssize_t i = 0; i < n; i++) { /* _NOT_TEXT: each run of other characters -> one space */
        Py_UCS4 c = a[i];
        if (lid_is_text(c)) {
            a[m++] = c;
            in_gap = 0;
        }
        else if (!in_gap) {
            a[m++] = ' ';
            in_gap = 1;
        }
    }
    n = m;
    for (Py_ssize_t i = 0; i < n;) { /* _STRAY, decided on this text */
        if (!lid_stray(a[i])) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n && lid_stray(a[j])) j++;
        int keep = j - i == 1 && i > 0 && is_word(a[i - 1]) && j < n && is_word(a[j]);
        if (!keep)
            for (Py_ssize_t k = i; k < j; k++) a[k] = ' ';
        i = j;
    }
    m = 0;
    int pending = 0;
    for (Py_ssize_t i = 0; i < n;) { /* spaces collapsed and stripped, elongations shortened */
        Py_UCS4 c = a[i];
        Py_ssize_t j = i + 1;
        while (j < n && a[j] == c) j++;
        if (is_space(c)) pending = 1;
        else {
            if (pending && m) a[m++] = ' ';
            pending = 0;
            Py_ssize_t keep = j - i >= 3 ? 2 : j - i;
            for (Py_ssize_t k = 0; k < keep; k++) a[m++] = c;
        }
        i = j;
    }
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, a, m);
    buf_free(&b);
    return res;
}

/* langid.dominant_script: 0 Latin, 1 Arabic, 2 Cyrillic, 3 Devanagari, 4 Other, -1 no letters */
static PyObject *py_lid_script(PyObject *Py_UNUSED(mod), PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "lid_script() expects a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), letters = 0, in[4] = {0, 0, 0, 0};
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int ascii = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x80) ascii = 0;
        if (cclass(c) & C_ALPHA) letters++;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0x00c0 && c <= 0x024f) ||
            (c >= 0x1e00 && c <= 0x1eff))
            in[0]++;
        else if ((c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0x08a0 && c <= 0x08ff) ||
                 (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff))
            in[1]++;
        else if (c >= 0x0400 && c <= 0x052f) in[2]++;
        else if (c >= 0x0900 && c <= 0x097f) in[3]++;
    }
    if (!letters) return PyLong_FromLong(-1);
    if (ascii) return PyLong_FromLong(0);
    for (int k = 0; k < 4; k++)
        if (2 * in[k] >= letters) return PyLong_FromLong(k);
    return PyLong_FromLong(4);
}

/* langid._LAUGH.fullmatch(w): (?:ha|he|hi|ah)+h? (every token is two characters long, so the
 * split is unique) */
static int is_laugh(const Py_UCS4 *w, Py_ssize_t n)
{
    if (n < 2) return 0;
    Py_ssize_t even = n & ~(Py_ssize_t)1;
    for (Py_ssize_t i = 0; i < even; i += 2) {
        Py_UCS4 a = w[i], b = w[i + 1];
        if (!((a == 'h' && (b == 'a' || b == 'e' || b == 'i')) || (a == 'a' && b == 'h'))) return 0;
    }
    return n == even || w[n - 1] == 'h';
}

/* langid.only_shared_words on a prepared text (single spaces, no other whitespace is possible
 * but any is handled): fewer than two distinct non-space characters, or every word shared. */
static int only_shared(PyObject *shared, const Py_UCS4 *t, Py_ssize_t n)
{
    Py_UCS4 first = 0;
    int distinct = 0;
    for (Py_ssize_t i = 0; i < n && distinct < 2; i++) {
        if (t[i] == ' ') continue;
        if (!distinct) {
            first = t[i];
            distinct = 1;
        }
        else if (t[i] != first) distinct = 2;
    }
    if (distinct < 2) return 1;
    Py_ssize_t i = 0;
    while (i < n) { /* str.split(): runs of whitespace */
        while (i < n && is_space(t[i])) i++;
        if (i >= n) break;
        Py_ssize_t s = i;
        while (i < n && !is_space(t[i])) i++;
        if (is_laugh(t + s, i - s)) continue;
        PyObject *w = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, t + s, i - s);
        if (!w) return -1;
        int in = PySet_Contains(shared, w);
        Py_DECREF(w);
        if (in <= 0) return in; /* 0: a word of its own, -1: error */
    }
    return 1;
}

#define LID_PYTHON (-2) /* an e-mail may be there: langid.py does the row */
#define LID_UND (-1)    /* nothing to tell a language by (no letters, shared words only) */

/* The langid._strip_social() of a text without URLs whose every '@' follows a character that is
 * not [\w.+-] (so _EMAIL cannot match, and _MENTION's lookbehind holds at every '@'):
 *   u = _MENTION.sub(" ", t);  letters = any alpha in u (text.has_letters' test);
 *   v = _RETWEET.sub(" ", u);  w = _HASHTAG.sub(" ", v), kept when w has a letter, else v.
 * Each sub reads its lookbehind and \b on its own input, as re.sub does. Writes the result into
 * a (a->len) and returns 0, or -1 on a memory error; b is scratch. */
static int social_strip(const Py_UCS4 *t, Py_ssize_t n, Buf *a, Buf *b, int *letters)
{
    if (buf_reserve(a, n + 2) < 0 || buf_reserve(b, n + 2) < 0) return -1;
    Py_UCS4 *u = a->p, *v = b->p;
    Py_ssize_t nu = 0, nv = 0, i = 0;
    int alpha = 0;
    while (i < n) { /* (?<!\w)@\w+ */
        if (t[i] == '@' && (i == 0 || !is_word(t[i - 1])) && i + 1 < n && is_word(t[i + 1])) {
            for (i++; i < n && is_word(t[i]); i++) {}
            u[nu++] = ' ';
            continue;
        }
        if (!alpha && (cclass(t[i]) & C_ALPHA)) alpha = 1;
        u[nu++] = t[i++];
    }
    *letters = alpha;
    for (i = 0; i < nu;) { /* \bRT\b */
        if (u[i] == 'R' && i + 1 < nu && u[i + 1] == 'T' && (i == 0 || !is_word(u[i - 1]))
            && (i + 2 == nu || !is_word(u[i + 2]))) {
            v[nv++] = ' ';
            i += 2;
            continue;
        }
        v[nv++] = u[i++];
    }
    Py_ssize_t nw = 0; /* (?<!\w)#\w+ into u (free again), kept only if a letter is left */
    int left = 0;
    for (i = 0; i < nv;) {
        if (v[i] == '#' && (i == 0 || !is_word(v[i - 1])) && i + 1 < nv && is_word(v[i + 1])) {
            for (i++; i < nv && is_word(v[i]); i++) {}
            u[nw++] = ' ';
            continue;
        }
        if (!left && (cclass(v[i]) & C_ALPHA)) left = 1;
        u[nw++] = v[i++];
    }
    if (left) a->len = nw;
    else {
        memcpy(u, v, (size_t)nv * sizeof(Py_UCS4));
        a->len = nv;
    }
    return 0;
}

/* lid_views(texts, shared_words, max_input, max_chars, script_chars) -> (prepared, codes)
 * langid.LanguageDetector.detect's per-text rules for a whole batch: for each text its
 * prepare()-d view (or None) and a code: the dominant_script index of the view, LID_UND, or
 * LID_PYTHON for the few texts with an e-mail-like "x@", which langid.py reads. */
static PyObject *py_lid_views(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *texts, *shared;
    Py_ssize_t max_input, max_chars, script_chars;
    if (!PyArg_ParseTuple(args, "O!O!nnn", &PyList_Type, &texts, &PyFrozenSet_Type, &shared, &max_input, &max_chars,
                          &script_chars))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *prepared = PyList_New(n), *codes = PyBytes_FromStringAndSize(NULL, n);
    PyObject *dotted_i = PyUnicode_FromOrdinal(0x0130), *plain_i = PyUnicode_FromOrdinal('i');
    PyObject *space = PyUnicode_FromOrdinal(' ');
    Buf b = {0}, sa = {0}, sb = {0}, sb2 = {0};
    if (!prepared || !codes || !dotted_i || !plain_i || !space) goto fail;
    char *code = PyBytes_AS_STRING(codes);
    for (Py_ssize_t r = 0; r < n; r++) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(prepared, r, Py_None);
        code[r] = LID_UND;
        PyObject *text = PyList_GET_ITEM(texts, r);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "texts must be str");
            goto fail;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(text);
        if (len > max_input) len = max_input;
        int kind = PyUnicode_KIND(text);
        const void *d = PyUnicode_DATA(text);
        int slash = 0, dot = 0;
        for (Py_ssize_t i = 0; i < len; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, d, i);
            if (c == '/') slash = 1;
            else if (c == '.') dot = 1;
        }
        PyObject *head = NULL;
        if (slash || dot) { /* prepare()'s URL step: _URL.sub(" ", text) when one may be there */
            head = PyUnicode_Substring(text, 0, len);
            if (!head) goto fail;
            int url = slash;
            if (!url) {
                PyObject *hint = py_url_hint(NULL, head);
                if (!hint) {
                    Py_DECREF(head);
                    goto fail;
                }
                url = hint == Py_True;
                Py_DECREF(hint);
            }
            if (url) {
                PyObject *call = PyTuple_Pack(2, head, space);
                PyObject *sub = call ? py_url_sub(NULL, call) : NULL;
                Py_XDECREF(call);
                Py_DECREF(head);
                if (!sub) goto fail;
                head = sub;
            }
        }
        /* the URL-free text: letters, and mentions / "RT" / hashtags to strip; an '@' after
         * [\w.+-] may belong to an e-mail, and those texts stay in Python */
        int python = 0, letters = 0, social = 0;
        int hkind = head ? PyUnicode_KIND(head) : kind;
        const void *hd = head ? PyUnicode_DATA(head) : d;
        Py_ssize_t hlen = head ? PyUnicode_GET_LENGTH(head) : len;
        Py_UCS4 prev = 0;
        for (Py_ssize_t i = 0; i < hlen; i++) {
            Py_UCS4 c = PyUnicode_READ(hkind, hd, i);
            if (c == '@') {
                if (i && (is_word(prev) || prev == '.' || prev == '+' || prev == '-')) python = 1;
                social = 1;
            }
            else if (c == '#' || (c == 'T' && prev == 'R')) social = 1;
            if (!letters && (cclass(c) & C_ALPHA)) letters = 1;
            prev = c;
        }
        if (python) {
            Py_XDECREF(head);
            code[r] = LID_PYTHON;
            continue;
        }
        if (social) { /* mentions, "RT", hashtags: _strip_social here */
            if (!head && !(head = PyUnicode_Substring(text, 0, len))) goto fail;
            int kept = 0;
            if (buf_load(&sb, head) < 0 || social_strip(sb.p, sb.len, &sa, &sb2, &kept) < 0) {
                Py_DECREF(head);
                goto fail;
            }
            Py_DECREF(head);
            letters = kept;
            head = letters ? PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, sa.p, sa.len) : NULL;
            if (letters && !head) goto fail;
        }
        if (!letters) {
            Py_XDECREF(head);
            continue;
        }
        if (!head && !(head = PyUnicode_Substring(text, 0, len))) goto fail;
        PyObject *replaced = PyUnicode_Replace(head, dotted_i, plain_i, -1);
        Py_DECREF(head);
        if (!replaced) goto fail;
        PyObject *lower = PyObject_CallMethod(replaced, "lower", NULL);
        Py_DECREF(replaced);
        if (!lower) goto fail;
        PyObject *cut = PyUnicode_Substring(lower, 0, max_chars);
        Py_DECREF(lower);
        if (!cut) goto fail;
        PyObject *view = py_lid_tail(NULL, cut);
        Py_DECREF(cut);
        if (!view) goto fail;
        PyObject *start = PyUnicode_Substring(view, 0, script_chars);
        PyObject *script = start ? py_lid_script(NULL, start) : NULL;
        Py_XDECREF(start);
        long k = script ? PyLong_AsLong(script) : -1;
        Py_XDECREF(script);
        int shared_only = k < 0 || buf_load(&b, view) < 0 ? 1 : only_shared(shared, b.p, b.len);
        if (PyErr_Occurred()) {
            Py_DECREF(view);
            goto fail;
        }
        if (shared_only) Py_DECREF(view);
        else {
            code[r] = (char)k;
            PyList_SetItem(prepared, r, view); /* steals the view, drops the None */
        }
    }
    buf_free(&b);
    buf_free(&sa);
    buf_free(&sb);
    buf_free(&sb2);
    Py_DECREF(dotted_i);
    Py_DECREF(plain_i);
    Py_DECREF(space);
    PyObject *res = PyTuple_Pack(2, prepared, codes);
    Py_DECREF(prepared);
    Py_DECREF(codes);
    return res;
fail:
    buf_free(&b);
    buf_free(&sa);
    buf_free(&sb);
    buf_free(&sb2);
    Py_XDECREF(prepared);
    Py_XDECREF(codes);
    Py_XDECREF(dotted_i);
    Py_XDECREF(plain_i);
    Py_XDECREF(space);
    return NULL;
}

/* ------------------------------------------------------------------ hash tables */

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static inline uint64_t fnv_step(uint64_t h, Py_UCS4 c) { return (h ^ (uint64_t)c) * FNV_PRIME; }

static inline uint64_t fnv(const Py_UCS4 *s, Py_ssize_t n)
{
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < n; i++) h = fnv_step(h, s[i]);
    return h;
}

static inline uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* Power of two, at most 3/4 full: linear probing stays short and a table of half a million
 * terms fits in 8 MB (the lookups are memory-bound, so smaller is faster). */
static uint64_t table_size(Py_ssize_t n)
{
    uint64_t size = 16;
    while (size * 3 < (uint64_t)n * 4 + 4) size <<= 1;
    return size;
}

/* Packed map: n-grams of 1-4 code points in 1..0xFFFF, packed 16 bits each, exact keys. */
typedef struct {
    uint64_t key;
    int32_t val;
    int32_t cnt; /* the term's count in the current document (featurize), zero between documents */
} PSlot;

typedef struct {
    PSlot *slots;
    uint64_t mask;
} PMap;

static int pmap_init(PMap *m, Py_ssize_t n)
{
    uint64_t size = table_size(n);
    m->slots = big_alloc(size * sizeof(PSlot));
    if (!m->slots) {
        PyErr_NoMemory();
        return -1;
    }
    for (uint64_t i = 0; i < size; i++) {
        m->slots[i].val = -1;
        m->slots[i].cnt = 0;
    }
    m->mask = size - 1;
    return 0;
}

/* Sets key -> val; returns 1 if the key is new, 0 if it was there (its value is replaced). */
static int pmap_put(PMap *m, uint64_t key, int32_t val)
{
    uint64_t i = mix64(key) & m->mask;
    while (m->slots[i].val >= 0 && m->slots[i].key != key) i = (i + 1) & m->mask;
    int fresh = m->slots[i].val < 0;
    m->slots[i].key = key;
    m->slots[i].val = val;
    return fresh;
}

static inline int32_t pmap_get(const PMap *m, uint64_t key)
{
    uint64_t i = mix64(key) & m->mask;
    for (;;) {
        const PSlot *s = &m->slots[i];
        if (s->val < 0) return -1;
        if (s->key == key) return s->val;
        i = (i + 1) & m->mask;
    }
}

/* String map: any string, by FNV-1a hash of its code points, verified against the stored text.
 * A slot holds what a lookup needs (32 bits of the hash, the length, where the text is stored
 * and the value), so a hit reads the slot and the stored text and nothing else. */
#define SLOT_FREE UINT32_MAX

typedef struct {
    uint32_t hash; /* the FNV hash's high half (the slot index comes from all of it) */
    uint32_t len;  /* SLOT_FREE: an empty slot */
    uint32_t off;  /* start of the text in chars */
    int32_t val;
} SSlot;

typedef struct {
    SSlot *slots;
    uint64_t mask;
    Py_UCS4 *chars;
    Py_ssize_t n, nchars;
} SMap;

static int smap_init(SMap *m, Py_ssize_t n, Py_ssize_t nchars)
{
    if ((uint64_t)nchars >= UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "vocabulary too large");
        return -1;
    }
    uint64_t size = table_size(n);
    m->slots = big_alloc(size * sizeof(SSlot));
    m->chars = big_alloc((size_t)nchars * sizeof(Py_UCS4));
    if (!m->slots || !m->chars) {
        PyErr_NoMemory();
        return -1;
    }
    for (uint64_t i = 0; i < size; i++) m->slots[i].len = SLOT_FREE;
    m->mask = size - 1;
    m->n = m->nchars = 0;
    return 0;
}

static void smap_free(SMap *m)
{
    big_free(m->slots);
    big_free(m->chars);
    memset(m, 0, sizeof(*m));
}

static inline int same(const Py_UCS4 *a, const Py_UCS4 *b, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* The slot of a[0:la] (+ ' ' + b[0:lb] when b), whose FNV hash is h; NULL if absent. */
static inline const SSlot *smap_find(const SMap *m, uint64_t h, const Py_UCS4 *a, Py_ssize_t la,
                                     const Py_UCS4 *b, Py_ssize_t lb)
{
    uint32_t len = (uint32_t)(b ? la + 1 + lb : la), hi = (uint32_t)(h >> 32);
    uint64_t i = mix64(h) & m->mask;
    for (;;) {
        const SSlot *s = &m->slots[i];
        if (s->len == SLOT_FREE) return NULL;
        if (s->hash == hi && s->len == len) {
            const Py_UCS4 *t = m->chars + s->off;
            if (same(t, a, la) && (!b || (t[la] == ' ' && same(t + la + 1, b, lb)))) return s;
        }
        i = (i + 1) & m->mask;
    }
}

static inline int32_t smap_get(const SMap *m, uint64_t h, const Py_UCS4 *a, Py_ssize_t la, const Py_UCS4 *b,
                               Py_ssize_t lb)
{
    const SSlot *s = smap_find(m, h, a, la, b, lb);
    return s ? s->val : -1;
}

/* Adds a string with its value; returns 1, or 0 (and changes nothing) if it is there already. */
static int smap_add(SMap *m, const Py_UCS4 *s, Py_ssize_t len, int32_t val)
{
    uint64_t h = fnv(s, len);
    if (smap_find(m, h, s, len, NULL, 0)) return 0;
    uint64_t i = mix64(h) & m->mask;
    while (m->slots[i].len != SLOT_FREE) i = (i + 1) & m->mask;
    m->slots[i].hash = (uint32_t)(h >> 32);
    m->slots[i].len = (uint32_t)len;
    m->slots[i].off = (uint32_t)m->nchars;
    m->slots[i].val = val;
    memcpy(m->chars + m->nchars, s, (size_t)len * sizeof(Py_UCS4));
    m->nchars += len;
    m->n++;
    return 1;
}

/* ------------------------------------------------------------------ Vocab */

typedef struct {
    PyObject_HEAD
    int packed;
    PMap pm;
    SMap sm;
    Py_ssize_t n_terms;
    float *idf;         /* per column (float32, as scikit-learn's idf_) */
    uint32_t *ptouched; /* packed-map slots seen in the current document (their cnt > 0) */
    int32_t *hits;      /* string-map columns found in the current document, once per hit */
    uint64_t *pairs;    /* (column << 32 | count) of the current document, then sort scratch */
    uint64_t *keys;     /* packed n-grams (or hashes) of the current document */
    uint64_t *slot;     /* and the table slot each starts at */
    Py_ssize_t hcap, pcap, kcap, scap;
} VocabObject;

static void Vocab_dealloc(VocabObject *self)
{
    big_free(self->pm.slots);
    smap_free(&self->sm);
    big_free(self->idf);
    PyMem_Free(self->hits);
    PyMem_Free(self->ptouched);
    PyMem_Free(self->pairs);
    PyMem_Free(self->keys);
    PyMem_Free(self->slot);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static inline int packable(const Py_UCS4 *s, Py_ssize_t n)
{
    if (n < 1 || n > 4) return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] == 0 || s[i] > 0xFFFF) return 0;
    return 1;
}

static inline uint64_t pack(const Py_UCS4 *s, Py_ssize_t n)
{
    uint64_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) k |= (uint64_t)s[i] << (16 * i);
    return k;
}

/* The i-th (term, column) of a vocabulary: a dict term -> column, or a list of terms in column
 * order. Returns 0 at the end, -1 on error. */
static int vocab_next(PyObject *vocab, Py_ssize_t *pos, PyObject **term, long *col)
{
    if (PyList_Check(vocab)) {
        if (*pos >= PyList_GET_SIZE(vocab)) return 0;
        *term = PyList_GET_ITEM(vocab, *pos);
        *col = (long)(*pos)++;
        return 1;
    }
    PyObject *value;
    if (!PyDict_Next(vocab, pos, term, &value)) return 0;
    *col = PyLong_AsLong(value);
    return *col == -1 && PyErr_Occurred() ? -1 : 1;
}

/* Vocab(vocabulary: dict[str, int] | list[str], idf: float32 buffer, packed: bool) */
static int Vocab_init(VocabObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"vocabulary", "idf", "packed", NULL};
    PyObject *vocab, *idf_o, *term;
    int packed = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOp", kwlist, &vocab, &idf_o, &packed)) return -1;
    if (!PyDict_Check(vocab) && !PyList_Check(vocab)) {
        PyErr_SetString(PyExc_TypeError, "vocabulary must be a dict (term -> column) or a list of terms");
        return -1;
    }
    if (self->ptouched) {
        PyErr_SetString(PyExc_RuntimeError, "Vocab is already initialized");
        return -1;
    }
    Py_ssize_t n = PyList_Check(vocab) ? PyList_GET_SIZE(vocab) : PyDict_Size(vocab);
    Py_ssize_t pos = 0, nchars = 0, npacked = 0;
    long col;
    int more;
    Buf b = {0};
    Py_buffer idf;
    if (PyObject_GetBuffer(idf_o, &idf, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (idf.itemsize != 4 || !idf.format || strcmp(idf.format, "f") || idf.len != n * 4) {
        PyBuffer_Release(&idf);
        PyErr_SetString(PyExc_ValueError, "idf must be float32, one weight per term");
        return -1;
    }
    while ((more = vocab_next(vocab, &pos, &term, &col)) > 0) {
        if (buf_load(&b, term) < 0) goto fail;
        if (col < 0 || col >= n) {
            PyErr_Format(PyExc_ValueError, "column %ld out of range for %zd terms", col, n);
            goto fail;
        }
        if (packed && packable(b.p, b.len)) npacked++;
        else nchars += b.len;
    }
    if (more < 0) goto fail;
    self->packed = packed;
    self->n_terms = n;
    if (pmap_init(&self->pm, packed ? npacked : 0) < 0) goto fail;
    if (smap_init(&self->sm, n - npacked, nchars) < 0) goto fail;
    pos = 0;
    Py_ssize_t added = 0;
    while ((more = vocab_next(vocab, &pos, &term, &col)) > 0) {
        if (buf_load(&b, term) < 0) goto fail;
        if (packed && packable(b.p, b.len)) added += pmap_put(&self->pm, pack(b.p, b.len), (int32_t)col);
        else {
            added += smap_add(&self->sm, b.p, b.len, (int32_t)col);
        }
    }
    if (more < 0) goto fail;
    if (added != n) {
        PyErr_Format(PyExc_ValueError, "the vocabulary repeats a term (%zd distinct of %zd)", added, n);
        goto fail;
    }
    self->idf = big_alloc((size_t)n * sizeof(float));
    if (self->idf) memcpy(self->idf, idf.buf, (size_t)n * sizeof(float));
    self->ptouched = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(uint32_t));
    if (!self->idf || !self->ptouched) {
        PyErr_NoMemory();
        goto fail;
    }
    buf_free(&b);
    PyBuffer_Release(&idf);
    return 0;
fail:
    buf_free(&b);
    PyBuffer_Release(&idf);
    return -1;
}

static PyObject *Vocab_len(VocabObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromSsize_t(self->n_terms);
}

/* Vocab.state() -> (packed, n_terms, packed-map slots, string-map slots, string-map chars, idf):
 * the tables as built, for Vocab.from_state (a load cache: building them from the terms takes
 * a tenth of a second for the shipped model, copying them a few milliseconds). The slots are in
 * this machine's byte order and struct layout: the cache's key names the platform. */
static PyObject *Vocab_state(VocabObject *self, PyObject *Py_UNUSED(ignored))
{
    if (!self->ptouched) {
        PyErr_SetString(PyExc_RuntimeError, "Vocab is not initialized");
        return NULL;
    }
    return Py_BuildValue("(inN N N N)", self->packed, self->n_terms,
                         PyBytes_FromStringAndSize((const char *)self->pm.slots,
                                                   (Py_ssize_t)((self->pm.mask + 1) * sizeof(PSlot))),
                         PyBytes_FromStringAndSize((const char *)self->sm.slots,
                                                   (Py_ssize_t)((self->sm.mask + 1) * sizeof(SSlot))),
                         PyBytes_FromStringAndSize((const char *)self->sm.chars,
                                                   self->sm.nchars * (Py_ssize_t)sizeof(Py_UCS4)),
                         PyBytes_FromStringAndSize((const char *)self->idf,
                                                   self->n_terms * (Py_ssize_t)sizeof(float)));
}

/* Copies a buffer of whole `item`-byte records, a power of two of them (a table), into big_alloc
 * memory; NULL (with ValueError) when it is not one. */
static void *table_copy(Py_buffer *b, size_t item, uint64_t *count, int power_of_two, const char *what)
{
    uint64_t n = (uint64_t)b->len / item;
    if ((uint64_t)b->len % item || (power_of_two && (n < 16 || (n & (n - 1))))) {
        PyErr_Format(PyExc_ValueError, "Vocab.from_state: %s is not a table of %zu-byte slots", what, item);
        return NULL;
    }
    void *p = big_alloc(b->len ? (size_t)b->len : 1);
    if (!p) {
        PyErr_NoMemory();
        return NULL;
    }
    if (b->len) memcpy(p, b->buf, (size_t)b->len);
    *count = n;
    return p;
}

/* Vocab.from_state(packed, n_terms, pm_slots, sm_slots, sm_chars, idf): a Vocab from state()'s
 * answer. Every slot is checked (a column within n_terms, a text within the chars), so a damaged
 * state raises ValueError instead of reading out of bounds. */
static PyObject *Vocab_from_state(PyTypeObject *type, PyObject *args)
{
    int packed;
    Py_ssize_t n;
    Py_buffer pm = {0}, sm = {0}, ch = {0}, idf = {0};
    if (!PyArg_ParseTuple(args, "pny*y*y*y*", &packed, &n, &pm, &sm, &ch, &idf)) return NULL;
    VocabObject *self = (VocabObject *)type->tp_alloc(type, 0);
    uint64_t npm = 0, nsm = 0, nch = 0, nidf = 0;
    if (!self) goto done;
    if (n < 0 || n >= INT32_MAX || (uint64_t)ch.len / sizeof(Py_UCS4) >= UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "Vocab.from_state: sizes out of range");
        goto fail;
    }
    self->packed = packed;
    self->n_terms = n;
    if (!(self->pm.slots = table_copy(&pm, sizeof(PSlot), &npm, 1, "the packed map"))) goto fail;
    self->pm.mask = npm - 1;
    if (!(self->sm.slots = table_copy(&sm, sizeof(SSlot), &nsm, 1, "the string map"))) goto fail;
    self->sm.mask = nsm - 1;
    if (!(self->sm.chars = table_copy(&ch, sizeof(Py_UCS4), &nch, 0, "the string map's text"))) goto fail;
    self->sm.nchars = (Py_ssize_t)nch;
    if (!(self->idf = table_copy(&idf, sizeof(float), &nidf, 0, "idf"))) goto fail;
    if (nidf != (uint64_t)n) {
        PyErr_Format(PyExc_ValueError, "Vocab.from_state: %llu IDF weights for %zd terms", (unsigned long long)nidf, n);
        goto fail;
    }
    uint64_t terms = 0, strings = 0;
    for (uint64_t i = 0; i < npm; i++) {
        PSlot *s = &self->pm.slots[i];
        s->cnt = 0;
        if (s->val < 0) continue;
        if ((packed == 0) || s->val >= n) goto damaged;
        terms++;
    }
    for (uint64_t i = 0; i < nsm; i++) {
        const SSlot *s = &self->sm.slots[i];
        if (s->len == SLOT_FREE) continue;
        if (s->val < 0 || s->val >= n || (uint64_t)s->off + s->len > nch) goto damaged;
        strings++;
    }
    if (terms + strings != (uint64_t)n) goto damaged;
    self->sm.n = (Py_ssize_t)strings;
    self->ptouched = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(uint32_t));
    if (!self->ptouched) {
        PyErr_NoMemory();
        goto fail;
    }
    goto done;
damaged:
    PyErr_SetString(PyExc_ValueError, "Vocab.from_state: the tables do not match the number of terms");
fail:
    Py_CLEAR(self);
done:
    PyBuffer_Release(&pm);
    PyBuffer_Release(&sm);
    PyBuffer_Release(&ch);
    PyBuffer_Release(&idf);
    return (PyObject *)self;
}

static PyMethodDef Vocab_methods[] = {
    {"n_terms", (PyCFunction)Vocab_len, METH_NOARGS, "Number of terms (columns)."},
    {"state", (PyCFunction)Vocab_state, METH_NOARGS, "The built tables, for Vocab.from_state."},
    {"from_state", (PyCFunction)Vocab_from_state, METH_VARARGS | METH_CLASS,
     "A Vocab from state()'s answer (packed, n_terms, pm_slots, sm_slots, sm_chars, idf)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject VocabType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "triage.pipeline._native.Vocab",
    .tp_doc = "A fitted n-gram vocabulary (term -> column).",
    .tp_basicsize = sizeof(VocabObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Vocab_init,
    .tp_dealloc = (destructor)Vocab_dealloc,
    .tp_methods = Vocab_methods,
};

/* Grows a scratch array to at least `need` items. */
static int grow(void *ptr, Py_ssize_t *cap, Py_ssize_t need, size_t item)
{
    void **p = (void **)ptr;
    if (need <= *cap) return 0;
    Py_ssize_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    void *q = PyMem_Realloc(*p, (size_t)c * item);
    if (!q) {
        PyErr_NoMemory();
        return -1;
    }
    *p = q;
    *cap = c;
    return 0;
}

/* A string-map term found (the caller has made room: hits never outnumber the n-grams). */
static inline void hit(VocabObject *v, int32_t col, Py_ssize_t *nt) { v->hits[(*nt)++] = col; }

/* Sort (column << 32 | count) pairs by column: insertion sort when short, else LSD radix on the
 * column's bytes (all byte histograms in one pass). Columns are unique within a document. */
static void sort_pairs(uint64_t *a, Py_ssize_t n, uint64_t *tmp)
{
    if (n < 48) {
        for (Py_ssize_t i = 1; i < n; i++) {
            uint64_t x = a[i];
            Py_ssize_t j = i;
            while (j > 0 && a[j - 1] > x) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    uint32_t cnt[4][256];
    memset(cnt, 0, sizeof(cnt));
    uint64_t mx = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t col = a[i] >> 32;
        mx |= col;
        cnt[0][col & 0xff]++;
        cnt[1][(col >> 8) & 0xff]++;
        cnt[2][(col >> 16) & 0xff]++;
        cnt[3][(col >> 24) & 0xff]++;
    }
    uint64_t *src = a, *dst = tmp;
    for (int d = 0; d < 4 && (mx >> (8 * d)); d++) {
        uint32_t sum = 0;
        for (int k = 0; k < 256; k++) {
            uint32_t c = cnt[d][k];
            cnt[d][k] = sum;
            sum += c;
        }
        int shift = 32 + 8 * d;
        for (Py_ssize_t i = 0; i < n; i++) dst[cnt[d][(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(uint64_t));
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif
#define PREFETCH_AHEAD 12

/* char_wb 1-4 n-grams of f[0:m]: words are runs of non-space; each is padded with one space.
 * N-grams of code points 1..0xFFFF (nearly all) are packed into 64-bit keys, collected for the
 * whole text, then looked up with the table slots prefetched a few keys ahead (the tables are
 * megabytes: the lookups are memory-bound). The rest go through the string map at once. */
static int count_char_wb(VocabObject *v, const Py_UCS4 *f, Py_ssize_t m, Buf *pad, Py_ssize_t *nt,
                         Py_ssize_t *np)
{
    Py_ssize_t need = 8 * m + 8, nk = 0; /* more than the n-grams of m characters */
    if (grow(&v->keys, &v->kcap, need, sizeof(uint64_t)) < 0 || grow(&v->slot, &v->scap, need, sizeof(uint64_t)) < 0 ||
        grow(&v->hits, &v->hcap, need, sizeof(int32_t)) < 0)
        return -1;
    uint64_t *keys = v->keys, *slot = v->slot, mask = v->pm.mask;
    Py_ssize_t i = 0;
    while (i < m) {
        while (i < m && is_space(f[i])) i++;
        if (i >= m) break;
        Py_ssize_t s = i;
        while (i < m && !is_space(f[i])) i++;
        Py_ssize_t L = i - s + 2;
        if (buf_reserve(pad, L) < 0) return -1;
        Py_UCS4 *w = pad->p;
        w[0] = ' ';
        memcpy(w + 1, f + s, (size_t)(i - s) * sizeof(Py_UCS4));
        w[L - 1] = ' ';
        for (Py_ssize_t a = 0; a < L; a++) {
            uint64_t key = 0;
            int ok = 1; /* still packable */
            Py_ssize_t top = L - a < 4 ? L - a : 4;
            for (Py_ssize_t n = 1; n <= top; n++) {
                Py_UCS4 c = w[a + n - 1];
                if (ok && c && c <= 0xFFFF) {
                    key |= (uint64_t)c << (16 * (n - 1));
                    keys[nk] = key;
                    slot[nk++] = mix64(key) & mask;
                }
                else {
                    ok = 0;
                    int32_t col = smap_get(&v->sm, fnv(w + a, n), w + a, n, NULL, 0);
                    if (col >= 0) hit(v, col, nt);
                }
            }
        }
    }
    PSlot *slots = v->pm.slots;
    for (Py_ssize_t k = 0; k < nk; k++) {
        if (k + PREFETCH_AHEAD < nk) PREFETCH(&slots[slot[k + PREFETCH_AHEAD]]);
        uint64_t key = keys[k], j = slot[k];
        for (;;) {
            PSlot *e = &slots[j];
            if (e->val < 0) break;
            if (e->key == key) {
                if (e->cnt++ == 0) {
                    v->ptouched[(*np)++] = (uint32_t)j;
                    PREFETCH(&v->idf[e->val]); /* read when the block is emitted */
                }
                break;
            }
            j = (j + 1) & mask;
        }
    }
    return 0;
}

typedef struct {
    Py_ssize_t start, len;
    uint64_t hash;
    int word; /* a \w+ run (not one of ? ؟ !) */
} Token;

typedef struct {
    Token *t;
    Py_ssize_t n, cap;
} Tokens;

/* token_pattern r"(?u)\b\w+\b|[?؟!]": maximal \w runs, and ? ؟ ! one by one */
static int tokenize(const Py_UCS4 *f, Py_ssize_t m, Tokens *tk)
{
    tk->n = 0;
    Py_ssize_t i = 0;
    while (i < m) {
        Py_UCS4 c = f[i];
        Py_ssize_t s = i, len;
        int word;
        if (is_word(c)) {
            while (i < m && is_word(f[i])) i++;
            len = i - s;
            word = 1;
        }
        else if (c == '?' || c == 0x061f || c == '!') {
            i++;
            len = 1;
            word = 0;
        }
        else {
            i++;
            continue;
        }
        if (tk->n == tk->cap) {
            Py_ssize_t cap = tk->cap ? 2 * tk->cap : 64;
            Token *t = PyMem_Realloc(tk->t, (size_t)cap * sizeof(Token));
            if (!t) {
                PyErr_NoMemory();
                return -1;
            }
            tk->t = t;
            tk->cap = cap;
        }
        Token *t = &tk->t[tk->n++];
        t->start = s;
        t->len = len;
        t->hash = fnv(f + s, len);
        t->word = word;
    }
    return 0;
}

/* word 1-2 n-grams: every token, and every two neighbours joined by one space (hashes first,
 * then the lookups with the slots prefetched, as for characters) */
static int count_words(VocabObject *v, const Py_UCS4 *f, const Tokens *tk, Py_ssize_t *nt)
{
    Py_ssize_t n = tk->n, nk = 2 * n;
    if (grow(&v->keys, &v->kcap, nk, sizeof(uint64_t)) < 0 || grow(&v->slot, &v->scap, nk, sizeof(uint64_t)) < 0 ||
        grow(&v->hits, &v->hcap, nk, sizeof(int32_t)) < 0)
        return -1;
    uint64_t *hash = v->keys, *slot = v->slot, mask = v->sm.mask;
    for (Py_ssize_t k = 0; k < n; k++) {
        const Token *a = &tk->t[k];
        hash[2 * k] = a->hash;
        if (k + 1 < n) {
            const Token *b = &tk->t[k + 1];
            uint64_t h = fnv_step(a->hash, ' ');
            for (Py_ssize_t i = 0; i < b->len; i++) h = fnv_step(h, f[b->start + i]);
            hash[2 * k + 1] = h;
        }
    }
    for (Py_ssize_t k = 0; k < nk; k++) slot[k] = mix64(hash[k]) & mask;
    const SSlot *slots = v->sm.slots;
    for (Py_ssize_t k = 0; k < nk; k++) {
        if (k + PREFETCH_AHEAD < nk) PREFETCH(&slots[slot[k + PREFETCH_AHEAD]]);
        const Token *a = &tk->t[k / 2];
        int32_t col;
        if (k % 2 == 0) col = smap_get(&v->sm, hash[k], f + a->start, a->len, NULL, 0);
        else if (k / 2 + 1 < n) {
            const Token *b = &tk->t[k / 2 + 1];
            col = smap_get(&v->sm, hash[k], f + a->start, a->len, f + b->start, b->len);
        }
        else continue;
        if (col >= 0) hit(v, col, nt);
    }
    return 0;
}

/* ------------------------------------------------------------------ cue table */

#define MAX_TAGS 8

typedef struct {
    PyObject_HEAD
    int ntags;
    SMap words; /* token -> bit mask of tags */
    /* phrases, grouped by first code point, longest first within a group */
    Py_ssize_t nphr;
    Py_UCS4 *pchars;
    Py_ssize_t *poff;
    Py_ssize_t *plen;
    int32_t *ptag;
    PMap first; /* first code point + 1 -> group */
    Py_ssize_t *gstart, *gend;
} CueObject;

static void Cue_dealloc(CueObject *self)
{
    smap_free(&self->words);
    PyMem_Free(self->pchars);
    PyMem_Free(self->poff);
    PyMem_Free(self->plen);
    PyMem_Free(self->ptag);
    big_free(self->first.slots);
    PyMem_Free(self->gstart);
    PyMem_Free(self->gend);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

typedef struct {
    Py_UCS4 first;
    Py_ssize_t len, idx;
} PhraseKey;

static int phrase_cmp(const void *x, const void *y)
{
    const PhraseKey *a = x, *b = y;
    if (a->first != b->first) return a->first < b->first ? -1 : 1;
    if (a->len != b->len) return a->len > b->len ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* CueTable(ntags: int, words: dict[str, int mask], phrases: list[tuple[str, int tag]]) */
static int Cue_init(CueObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"ntags", "words", "phrases", NULL};
    int ntags;
    PyObject *words, *phrases;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "iO!O!", kwlist, &ntags, &PyDict_Type, &words, &PyList_Type,
                                     &phrases))
        return -1;
    if (self->words.slots) {
        PyErr_SetString(PyExc_RuntimeError, "CueTable is already initialized");
        return -1;
    }
    if (ntags < 1 || ntags > MAX_TAGS) {
        PyErr_SetString(PyExc_ValueError, "ntags must be in 1..8");
        return -1;
    }
    self->ntags = ntags;
    Buf b = {0};
    PhraseKey *keys = NULL;
    Py_ssize_t pos = 0, nchars = 0;
    PyObject *key, *value;
    while (PyDict_Next(words, &pos, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "cue words must be str");
            goto fail;
        }
        nchars += PyUnicode_GET_LENGTH(key);
    }
    if (smap_init(&self->words, PyDict_Size(words), nchars) < 0) goto fail;
    pos = 0;
    while (PyDict_Next(words, &pos, &key, &value)) {
        long mask = PyLong_AsLong(value);
        if (mask == -1 && PyErr_Occurred()) goto fail;
        if (buf_load(&b, key) < 0) goto fail;
        smap_add(&self->words, b.p, b.len, (int32_t)mask);
    }
    Py_ssize_t n = PyList_GET_SIZE(phrases);
    self->nphr = n;
    nchars = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(phrases, i), *text;
        int tag;
        if (!PyArg_ParseTuple(item, "Ui", &text, &tag)) goto fail;
        if (tag < 0 || tag >= ntags || PyUnicode_GET_LENGTH(text) < 1) {
            PyErr_SetString(PyExc_ValueError, "bad phrase");
            goto fail;
        }
        nchars += PyUnicode_GET_LENGTH(text);
    }
    keys = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(PhraseKey));
    self->pchars = PyMem_Malloc((size_t)(nchars ? nchars : 1) * sizeof(Py_UCS4));
    self->poff = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    self->plen = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    self->ptag = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    self->gstart = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    self->gend = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    Py_UCS4 *raw = PyMem_Malloc((size_t)(nchars ? nchars : 1) * sizeof(Py_UCS4));
    Py_ssize_t *raw_off = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    int32_t *raw_tag = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (!keys || !self->pchars || !self->poff || !self->plen || !self->ptag || !self->gstart || !self->gend || !raw ||
        !raw_off || !raw_tag) {
        PyMem_Free(raw);
        PyMem_Free(raw_off);
        PyMem_Free(raw_tag);
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(phrases, i), *text;
        int tag;
        PyArg_ParseTuple(item, "Ui", &text, &tag);
        if (buf_load(&b, text) < 0) {
            PyMem_Free(raw);
            PyMem_Free(raw_off);
            PyMem_Free(raw_tag);
            goto fail;
        }
        memcpy(raw + at, b.p, (size_t)b.len * sizeof(Py_UCS4));
        raw_off[i] = at;
        raw_tag[i] = tag;
        keys[i].first = b.p[0];
        keys[i].len = b.len;
        keys[i].idx = i;
        at += b.len;
    }
    qsort(keys, (size_t)n, sizeof(PhraseKey), phrase_cmp);
    Py_ssize_t ngroups = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (i == 0 || keys[i].first != keys[i - 1].first) ngroups++;
    if (pmap_init(&self->first, ngroups) < 0) {
        PyMem_Free(raw);
        PyMem_Free(raw_off);
        PyMem_Free(raw_tag);
        goto fail;
    }
    at = 0;
    Py_ssize_t g = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t src = keys[i].idx;
        memcpy(self->pchars + at, raw + raw_off[src], (size_t)keys[i].len * sizeof(Py_UCS4));
        self->poff[i] = at;
        self->plen[i] = keys[i].len;
        self->ptag[i] = raw_tag[src];
        at += keys[i].len;
        if (i == 0 || keys[i].first != keys[i - 1].first) {
            g++;
            self->gstart[g] = i;
            pmap_put(&self->first, (uint64_t)keys[i].first + 1, (int32_t)g);
        }
        self->gend[g] = i + 1;
    }
    PyMem_Free(raw);
    PyMem_Free(raw_off);
    PyMem_Free(raw_tag);
    PyMem_Free(keys);
    buf_free(&b);
    return 0;
fail:
    PyMem_Free(keys);
    buf_free(&b);
    return -1;
}

static PyTypeObject CueType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "triage.pipeline._native.CueTable",
    .tp_doc = "Cue words (token -> tags) and phrases of lexicon.CueMatcher.",
    .tp_basicsize = sizeof(CueObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Cue_init,
    .tp_dealloc = (destructor)Cue_dealloc,
};

#define N_CUES 16

/* Whether s[0:n] starts with the ASCII string pat. */
static inline int starts_with(const Py_UCS4 *s, Py_ssize_t n, const char *pat)
{
    Py_ssize_t k = 0;
    for (; pat[k]; k++)
        if (k >= n || s[k] != (Py_UCS4)(unsigned char)pat[k]) return 0;
    return 1;
}

static inline int is_emoji(Py_UCS4 c)
{
    return (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x2600 && c <= 0x27bf) || (c >= 0x1f1e6 && c <= 0x1f1ff);
}

/* features.cue_features for one text: r = the normalized text, f = its fold() */
static void cue_values(const CueObject *cue, const Py_UCS4 *r, Py_ssize_t nr, const Py_UCS4 *f, Py_ssize_t m,
                       const Tokens *tk, double *out)
{
    Py_ssize_t qm = 0, excl = 0, urls = 0, phones = 0, emails = 0, users = 0;
    for (Py_ssize_t i = 0; i < m; i++) { /* str.count of each (none can overlap itself) */
        Py_UCS4 c = f[i];
        if (c == '?' || c == 0x061f) qm++;
        else if (c == '!') excl++;
        else if (c == 'h') urls += starts_with(f + i, m - i, "httpurl");
        else if (c == 'p') phones += starts_with(f + i, m - i, "phonenum");
        else if (c == 'e') emails += starts_with(f + i, m - i, "emailaddr");
        else if (c == '@') users += starts_with(f + i, m - i, "@user");
    }
    Py_ssize_t e = m; /* low.rstrip(" !.)").endswith(("?", "؟")) */
    while (e > 0 && (f[e - 1] == ' ' || f[e - 1] == '!' || f[e - 1] == '.' || f[e - 1] == ')')) e--;
    int ends_q = e > 0 && (f[e - 1] == '?' || f[e - 1] == 0x061f);

    Py_ssize_t tags[MAX_TAGS] = {0};
    for (Py_ssize_t k = 0; k < tk->n; k++) { /* single-word cues: the \w+ tokens */
        const Token *t = &tk->t[k];
        if (!t->word) continue;
        int32_t mask = smap_get(&cue->words, t->hash, f + t->start, t->len, NULL, 0);
        if (mask > 0)
            for (int g = 0; g < cue->ntags; g++)
                if (mask & (1 << g)) tags[g]++;
    }
    if (cue->nphr) { /* phrases: (?<!\w)(?:longest|...|shortest)(?!\w), per tag, non-overlapping */
        Py_ssize_t next[MAX_TAGS] = {0};
        for (Py_ssize_t p = 0; p < m; p++) {
            if (p > 0 && is_word(f[p - 1])) continue;
            int32_t g = pmap_get(&cue->first, (uint64_t)f[p] + 1);
            if (g < 0) continue;
            int done = 0;
            for (Py_ssize_t i = cue->gstart[g]; i < cue->gend[g]; i++) {
                int32_t tag = cue->ptag[i];
                Py_ssize_t len = cue->plen[i];
                if ((done & (1 << tag)) || next[tag] > p || p + len > m) continue;
                if (!same(f + p, cue->pchars + cue->poff[i], len)) continue;
                if (p + len < m && is_word(f[p + len])) continue;
                tags[tag]++;
                next[tag] = p + len;
                done |= 1 << tag;
            }
        }
    }
    Py_ssize_t letters = 0, upper = 0, emoji = 0;
    int elongated = 0;
    for (Py_ssize_t i = 0; i < nr; i++) {
        Py_UCS4 c = r[i];
        uint8_t k = cclass(c);
        if (k & C_ALPHA) letters++;
        if (k & C_UPPER) upper++;
        if (c >= 0x2600 && is_emoji(c)) emoji++;
        if (!elongated && (k & C_WORD) && i + 2 < nr && r[i + 1] == c && r[i + 2] == c) elongated = 1;
    }
#define CAP(x, k) ((double)((x) < (k) ? (x) : (k)) / (k))
    out[0] = CAP(qm, 3);
    out[1] = ends_q ? 1.0 : 0.0;
    for (int g = 0; g < 4; g++) out[2 + g] = g < cue->ntags ? CAP(tags[g], 3) : 0.0;
    out[6] = CAP(urls, 2);
    out[7] = phones ? 1.0 : 0.0;
    out[8] = emails ? 1.0 : 0.0;
    out[9] = CAP(users, 3);
    out[10] = CAP(excl, 3);
    out[11] = CAP(emoji, 5);
    out[12] = letters >= 4 ? (double)upper / (double)letters : 0.0;
    out[13] = elongated ? 1.0 : 0.0;
    double ll = log1p((double)nr) / 7;
    out[14] = ll < 1.0 ? ll : 1.0;
    out[15] = letters == 0 ? 1.0 : 0.0;
#undef CAP
}

/* ------------------------------------------------------------------ featurize */

typedef struct {
    PyObject *obj; /* bytearray */
    Py_ssize_t n, cap; /* in elements of 4 bytes */
} Out;

static int out_reserve(Out *o, Py_ssize_t n)
{
    if (n <= o->cap) return 0;
    Py_ssize_t cap = o->cap ? o->cap : 4096;
    while (cap < n) cap *= 2;
    if (PyByteArray_Resize(o->obj, cap * 4) < 0) return -1;
    o->cap = cap;
    return 0;
}

static inline void *out_ptr(Out *o) { return PyByteArray_AS_STRING(o->obj); }

typedef struct {
    Py_buffer view;
    int held;
} Buffer;

static int get_f32(PyObject *obj, Buffer *b, const char *what)
{
    if (PyObject_GetBuffer(obj, &b->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    b->held = 1;
    if (b->view.itemsize != 4 || !b->view.format || strcmp(b->view.format, "f")) {
        PyErr_Format(PyExc_TypeError, "%s must be a contiguous float32 buffer", what);
        return -1;
    }
    return 0;
}

static void release(Buffer *b)
{
    if (b->held) PyBuffer_Release(&b->view);
    b->held = 0;
}

/* Emit one block: the columns found, in order, with their counts (packed-map slots count in
 * place; string-map hits are sorted and counted by runs), sublinear TF x IDF, L2-normalized. */
static int emit_block(VocabObject *v, Py_ssize_t nt, Py_ssize_t np, const float *logtab, Py_ssize_t n_log,
                      int32_t offset, Out *oi, Out *od)
{
    const float *idf = v->idf;
    Py_ssize_t nn = nt + np;
    if (grow(&v->pairs, &v->pcap, 2 * nn + 2, sizeof(uint64_t)) < 0) return -1;
    uint64_t *pairs = v->pairs;
    for (Py_ssize_t k = 0; k < np; k++) {
        PSlot *e = &v->pm.slots[v->ptouched[k]];
        pairs[k] = (uint64_t)(uint32_t)e->val << 32 | (uint32_t)e->cnt;
        e->cnt = 0;
    }
    for (Py_ssize_t k = 0; k < nt; k++) pairs[np + k] = (uint64_t)(uint32_t)v->hits[k] << 32 | 1u;
    sort_pairs(pairs, nn, pairs + nn);
    Py_ssize_t m = 0;
    for (Py_ssize_t k = 0; k < nn; k++) { /* a string-map column found several times: one count */
        if (m && (pairs[m - 1] >> 32) == (pairs[k] >> 32)) pairs[m - 1] += pairs[k] & 0xffffffffu;
        else pairs[m++] = pairs[k];
    }
    nn = m;
    if (out_reserve(oi, oi->n + nn) < 0 || out_reserve(od, od->n + nn) < 0) return -1;
    int32_t *idx = (int32_t *)out_ptr(oi) + oi->n;
    float *val = (float *)out_ptr(od) + od->n;
    double sum = 0.0;
    for (Py_ssize_t k = 0; k < nn; k++) {
        int32_t col = (int32_t)(pairs[k] >> 32);
        uint32_t c = (uint32_t)pairs[k];
        if ((Py_ssize_t)c >= n_log) {
            PyErr_SetString(PyExc_ValueError, "term count beyond the log table");
            return -1;
        }
        float x = logtab[c] * idf[col]; /* (log(tf) + 1) * idf, both float32 (numpy) */
        idx[k] = col + offset;
        val[k] = x;
        sum += (double)(x * x); /* sklearn's _inplace_csr_row_normalize_l2 */
    }
    if (sum != 0.0) {
        sum = sqrt(sum);
        for (Py_ssize_t k = 0; k < nn; k++) val[k] = (float)((double)val[k] / sum);
    }
    oi->n += nn;
    od->n += nn;
    return 0;
}

static void clear_counts(VocabObject *v)
{
    for (uint64_t i = 0; v->pm.slots && i <= v->pm.mask; i++) v->pm.slots[i].cnt = 0;
}

/* featurize(char_vocab, word_vocab, cues, raw, folded, logtab)
 *   -> (indptr: bytearray int32, indices: bytearray int32, data: bytearray float32)
 * Columns: char block, word block (+ len(char)), cue block (+ len(char) + len(word)). */
static PyObject *py_featurize(PyObject *Py_UNUSED(mod), PyObject *args)
{
    VocabObject *cv, *wv;
    CueObject *cue;
    PyObject *raw, *folded, *log_o;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O", &VocabType, &cv, &VocabType, &wv, &CueType, &cue, &PyList_Type,
                          &raw, &PyList_Type, &folded, &log_o))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(folded);
    if (PyList_GET_SIZE(raw) != n) {
        PyErr_SetString(PyExc_ValueError, "raw and folded differ in length");
        return NULL;
    }
    if (!cv->ptouched || !wv->ptouched || !cue->words.slots) {
        PyErr_SetString(PyExc_ValueError, "Vocab or CueTable not initialized");
        return NULL;
    }
    /* The vocabularies' scratch (slot counts, hit lists) is used without a lock: the GIL is held
     * from here to the end, and nothing below runs Python code. */
    if ((int64_t)cv->n_terms + wv->n_terms + N_CUES > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many columns for int32 indices");
        return NULL;
    }
    Buffer logb = {0};
    Buf fb = {0}, rb = {0}, pad = {0};
    Tokens tk = {0};
    Out op = {0}, oi = {0}, od = {0};
    PyObject *result = NULL;
    if (get_f32(log_o, &logb, "logtab") < 0) goto done;
    op.obj = PyByteArray_FromStringAndSize(NULL, 0);
    oi.obj = PyByteArray_FromStringAndSize(NULL, 0);
    od.obj = PyByteArray_FromStringAndSize(NULL, 0);
    if (!op.obj || !oi.obj || !od.obj) goto done;
    if (out_reserve(&op, n + 1) < 0) goto done;
    ((int32_t *)out_ptr(&op))[0] = 0;
    op.n = 1;
    const float *lt = logb.view.buf;
    Py_ssize_t nlt = logb.view.len / 4;
    int32_t woff = (int32_t)cv->n_terms, qoff = (int32_t)(cv->n_terms + wv->n_terms);
    for (Py_ssize_t d = 0; d < n; d++) {
        if (buf_load(&fb, PyList_GET_ITEM(folded, d)) < 0 || buf_load(&rb, PyList_GET_ITEM(raw, d)) < 0) goto done;
        Py_ssize_t nt = 0, np = 0;
        if (count_char_wb(cv, fb.p, fb.len, &pad, &nt, &np) < 0) goto done;
        if (emit_block(cv, nt, np, lt, nlt, 0, &oi, &od) < 0) goto done;
        if (tokenize(fb.p, fb.len, &tk) < 0) goto done;
        nt = 0;
        if (count_words(wv, fb.p, &tk, &nt) < 0) goto done;
        if (emit_block(wv, nt, 0, lt, nlt, woff, &oi, &od) < 0) goto done;
        double cues[N_CUES];
        cue_values(cue, rb.p, rb.len, fb.p, fb.len, &tk, cues);
        if (out_reserve(&oi, oi.n + N_CUES) < 0 || out_reserve(&od, od.n + N_CUES) < 0) goto done;
        int32_t *idx = (int32_t *)out_ptr(&oi);
        float *val = (float *)out_ptr(&od);
        for (int k = 0; k < N_CUES; k++) {
            float x = (float)cues[k];
            if (x != 0.0f) {
                idx[oi.n++] = qoff + k;
                val[od.n++] = x;
            }
        }
        if (oi.n > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "batch too large for int32 indices");
            goto done;
        }
        ((int32_t *)out_ptr(&op))[op.n++] = (int32_t)oi.n;
    }
    if (PyByteArray_Resize(op.obj, op.n * 4) < 0 || PyByteArray_Resize(oi.obj, oi.n * 4) < 0 ||
        PyByteArray_Resize(od.obj, od.n * 4) < 0)
        goto done;
    result = PyTuple_Pack(3, op.obj, oi.obj, od.obj);
done:
    /* a failed document may leave counts behind: clear them */
    if (!result) {
        clear_counts(cv);
        clear_counts(wv);
    }
    release(&logb);
    buf_free(&fb);
    buf_free(&rb);
    buf_free(&pad);
    PyMem_Free(tk.t);
    Py_XDECREF(op.obj);
    Py_XDECREF(oi.obj);
    Py_XDECREF(od.obj);
    return result;
}

/* cue_matrix(cues, raw, folded) -> bytearray of float32 (n, 16), row-major */
static PyObject *py_cue_matrix(PyObject *Py_UNUSED(mod), PyObject *args)
{
    CueObject *cue;
    PyObject *raw, *folded;
    if (!PyArg_ParseTuple(args, "O!O!O!", &CueType, &cue, &PyList_Type, &raw, &PyList_Type, &folded)) return NULL;
    if (!cue->words.slots) {
        PyErr_SetString(PyExc_ValueError, "CueTable not initialized");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(folded);
    if (PyList_GET_SIZE(raw) != n) {
        PyErr_SetString(PyExc_ValueError, "raw and folded differ in length");
        return NULL;
    }
    PyObject *res = PyByteArray_FromStringAndSize(NULL, n * N_CUES * 4);
    if (!res) return NULL;
    float *out = (float *)PyByteArray_AS_STRING(res);
    Buf fb = {0}, rb = {0};
    Tokens tk = {0};
    for (Py_ssize_t d = 0; d < n; d++) {
        if (buf_load(&fb, PyList_GET_ITEM(folded, d)) < 0 || buf_load(&rb, PyList_GET_ITEM(raw, d)) < 0 ||
            tokenize(fb.p, fb.len, &tk) < 0) {
            Py_CLEAR(res);
            break;
        }
        double cues[N_CUES];
        cue_values(cue, rb.p, rb.len, fb.p, fb.len, &tk, cues);
        for (int k = 0; k < N_CUES; k++) out[d * N_CUES + k] = (float)cues[k];
    }
    buf_free(&fb);
    buf_free(&rb);
    PyMem_Free(tk.t);
    return res;
}

/* ------------------------------------------------------------------ cue tokens
 * urgency_cues.match_tokens for a batch: the runs of urgency_cues._TOKEN ([\w + combining marks
 * + Devanagari signs + ZWNJ]+) of each text, each mapped through `cache` (raw token -> its
 * match-view form; a miss calls `normalize(token)` and is remembered, the cache is cleared when it
 * would pass `limit`); tokens whose form is empty are dropped. */

static inline int is_cue_token_char(Py_UCS4 c)
{
    return is_word(c) || (c >= 0x300 && c <= 0x36f) || (c >= 0x900 && c <= 0x903) || (c >= 0x93a && c <= 0x94f) ||
           (c >= 0x951 && c <= 0x957) || c == 0x962 || c == 0x963 || c == 0x200c;
}

static PyObject *cue_tokens_one(PyObject *text, PyObject *cache, PyObject *normalize, Py_ssize_t limit)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_cue_token_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_cue_token_char(PyUnicode_READ(kind, data, j))) j++;
        PyObject *tok = PyUnicode_Substring(text, i, j);
        if (!tok) goto fail;
        PyObject *form = PyDict_GetItemWithError(cache, tok); /* borrowed */
        if (!form) {
            if (PyErr_Occurred()) {
                Py_DECREF(tok);
                goto fail;
            }
            PyObject *made = PyObject_CallOneArg(normalize, tok);
            if (!made) {
                Py_DECREF(tok);
                goto fail;
            }
            if (!PyUnicode_Check(made)) {
                Py_DECREF(made);
                Py_DECREF(tok);
                PyErr_SetString(PyExc_TypeError, "normalize must return a str");
                goto fail;
            }
            if (PyDict_GET_SIZE(cache) >= limit) PyDict_Clear(cache);
            int bad = PyDict_SetItem(cache, tok, made);
            Py_DECREF(made); /* the cache holds it */
            if (bad < 0) {
                Py_DECREF(tok);
                goto fail;
            }
            form = made;
        }
        Py_DECREF(tok);
        if (PyUnicode_GET_LENGTH(form) > 0 && PyList_Append(out, form) < 0) goto fail;
        i = j;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* cue_tokens(texts, cache, normalize, limit) -> list of lists of str */
static PyObject *py_cue_tokens(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *texts, *cache, *normalize;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "O!O!On", &PyList_Type, &texts, &PyDict_Type, &cache, &normalize, &limit)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *res = PyList_New(n);
    if (!res) return NULL;
    for (Py_ssize_t d = 0; d < n; d++) {
        PyObject *text = PyList_GET_ITEM(texts, d);
        if (!PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "cue_tokens: item %zd is not a str", d);
            Py_DECREF(res);
            return NULL;
        }
        PyObject *toks = cue_tokens_one(text, cache, normalize, limit);
        if (!toks) {
            Py_DECREF(res);
            return NULL;
        }
        PyList_SET_ITEM(res, d, toks);
    }
    return res;
}

/* ------------------------------------------------------------------ cue scan
 * UrgencyCues / AbuseCues counts without a Python object per token: the match tokens of each text
 * (urgency_cues.match_tokens: _TOKEN runs, ZWNJ dropped, _STRIP applied, doubled letters
 * collapsed, empty ones dropped), looked up in the cue vocabulary, then UrgencyCues._spans'
 * scan (per category non-overlapping, longest cue first at each start) and, for the abuse cues,
 * AbuseCues._scan's rule (an abusive match inside a longer profanity span does not count). */

#define STRIP_MAX 0x2000

typedef struct {
    uint64_t hash;
    int32_t off, len; /* the key in the pool */
    int32_t value;
} SeqSlot;

typedef struct {
    SeqSlot *slots;
    Py_ssize_t mask;
    int32_t *pool;
    Py_ssize_t pool_len, pool_cap;
} SeqTable;

static uint64_t seq_hash(const int32_t *k, Py_ssize_t n)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)n;
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (uint32_t)k[i];
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    return h | 1; /* 0 marks an empty slot */
}

static int seq_init(SeqTable *t, Py_ssize_t n)
{
    Py_ssize_t cap = 16;
    while (cap < 2 * n + 2) cap *= 2;
    t->slots = PyMem_Calloc((size_t)cap, sizeof(SeqSlot));
    if (!t->slots) {
        PyErr_NoMemory();
        return -1;
    }
    t->mask = cap - 1;
    t->pool = NULL;
    t->pool_len = t->pool_cap = 0;
    return 0;
}

static void seq_free(SeqTable *t)
{
    PyMem_Free(t->slots);
    PyMem_Free(t->pool);
    t->slots = NULL;
    t->pool = NULL;
}

static int32_t *seq_find(const SeqTable *t, const int32_t *k, Py_ssize_t n)
{
    uint64_t h = seq_hash(k, n);
    for (Py_ssize_t i = (Py_ssize_t)(h & (uint64_t)t->mask);; i = (i + 1) & t->mask) {
        SeqSlot *s = &t->slots[i];
        if (!s->hash) return NULL;
        if (s->hash == h && s->len == n && !memcmp(t->pool + s->off, k, (size_t)n * sizeof(int32_t))) return &s->value;
    }
}

static int seq_put(SeqTable *t, const int32_t *k, Py_ssize_t n, int32_t value)
{
    int32_t *v = seq_find(t, k, n);
    if (v) {
        *v = value;
        return 0;
    }
    if (t->pool_len + n > t->pool_cap) {
        Py_ssize_t cap = t->pool_cap ? t->pool_cap : 256;
        while (cap < t->pool_len + n) cap *= 2;
        int32_t *p = PyMem_Realloc(t->pool, (size_t)cap * sizeof(int32_t));
        if (!p) {
            PyErr_NoMemory();
            return -1;
        }
        t->pool = p;
        t->pool_cap = cap;
    }
    memcpy(t->pool + t->pool_len, k, (size_t)n * sizeof(int32_t));
    uint64_t h = seq_hash(k, n);
    Py_ssize_t i = (Py_ssize_t)(h & (uint64_t)t->mask);
    while (t->slots[i].hash) i = (i + 1) & t->mask;
    t->slots[i] = (SeqSlot){h, (int32_t)t->pool_len, (int32_t)n, value};
    t->pool_len += n;
    return 0;
}

typedef struct {
    PyObject_HEAD
    int ncat, swear, abusive; /* swear: the profanity category or -1; abusive: bit set */
    SeqTable vocab;           /* a token's code points (as int32) -> token id */
    SeqTable pairs;           /* (id, id) -> bit set of the lengths of the cues they start */
    SeqTable phrases;         /* ids -> bit set of categories */
    int32_t *singles;         /* id -> bit set of categories of the one-token cue */
    uint8_t *starts;          /* id -> whether a cue starts with it */
    Py_ssize_t n_vocab;
    uint8_t strip_kind[STRIP_MAX]; /* 0 keep, 1 drop, 2 one code point, 3 two */
    Py_UCS4 strip_to[STRIP_MAX][2];
} CueScanObject;

static void CueScan_dealloc(CueScanObject *self)
{
    seq_free(&self->vocab);
    seq_free(&self->pairs);
    seq_free(&self->phrases);
    PyMem_Free(self->singles);
    PyMem_Free(self->starts);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* a tuple of ints -> int32 array (at most 64) */
static Py_ssize_t ids_of(PyObject *tup, int32_t *out)
{
    if (!PyTuple_Check(tup) || PyTuple_GET_SIZE(tup) < 1 || PyTuple_GET_SIZE(tup) > 64) {
        PyErr_SetString(PyExc_ValueError, "CueScan: a key must be a tuple of 1 to 64 token ids");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(tup);
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PyTuple_GET_ITEM(tup, i));
        if (v == -1 && PyErr_Occurred()) return -1;
        out[i] = (int32_t)v;
    }
    return n;
}

static int table_from_dict(SeqTable *t, PyObject *d)
{
    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "CueScan: expected a dict");
        return -1;
    }
    if (seq_init(t, PyDict_GET_SIZE(d)) < 0) return -1;
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    int32_t ids[64];
    while (PyDict_Next(d, &pos, &k, &v)) {
        Py_ssize_t n = ids_of(k, ids);
        if (n < 0) return -1;
        long value = PyLong_AsLong(v);
        if (value == -1 && PyErr_Occurred()) return -1;
        if (seq_put(t, ids, n, (int32_t)value) < 0) return -1;
    }
    return 0;
}

/* CueScan(ncat, vocab: list[str], starts: list[int], singles: dict[int, int],
 *         pairs: dict[tuple, int], phrases: dict[tuple, int], strip: dict[int, str | None],
 *         swear: int, abusive: int) */
static int CueScan_init(CueScanObject *self, PyObject *args, PyObject *Py_UNUSED(kw))
{
    PyObject *vocab, *starts, *singles, *pairs, *phrases, *strip;
    if (!PyArg_ParseTuple(args, "iO!O!O!O!O!O!ii", &self->ncat, &PyList_Type, &vocab, &PyList_Type, &starts,
                          &PyDict_Type, &singles, &PyDict_Type, &pairs, &PyDict_Type, &phrases, &PyDict_Type,
                          &strip, &self->swear, &self->abusive))
        return -1;
    if (self->ncat < 1 || self->ncat > 30) {
        PyErr_SetString(PyExc_ValueError, "CueScan: 1 to 30 categories");
        return -1;
    }
    if (self->vocab.slots) {
        PyErr_SetString(PyExc_RuntimeError, "CueScan is initialized once");
        return -1;
    }
    Py_ssize_t nv = PyList_GET_SIZE(vocab);
    self->n_vocab = nv;
    if (seq_init(&self->vocab, nv) < 0 || seq_init(&self->pairs, 1) < 0 || seq_init(&self->phrases, 1) < 0) return -1;
    seq_free(&self->pairs);
    seq_free(&self->phrases);
    Buf b = {0};
    for (Py_ssize_t i = 0; i < nv; i++) {
        if (buf_load(&b, PyList_GET_ITEM(vocab, i)) < 0) {
            buf_free(&b);
            return -1;
        }
        int32_t *k = PyMem_Malloc((size_t)(b.len + 1) * sizeof(int32_t));
        if (!k) {
            buf_free(&b);
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t j = 0; j < b.len; j++) k[j] = (int32_t)b.p[j];
        int bad = seq_put(&self->vocab, k, b.len, (int32_t)i);
        PyMem_Free(k);
        if (bad < 0) {
            buf_free(&b);
            return -1;
        }
    }
    buf_free(&b);
    self->singles = PyMem_Calloc((size_t)nv + 1, sizeof(int32_t));
    self->starts = PyMem_Calloc((size_t)nv + 1, 1);
    if (!self->singles || !self->starts) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(starts); i++) {
        long id = PyLong_AsLong(PyList_GET_ITEM(starts, i));
        if (id < 0 || id >= nv) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "CueScan: a start outside the vocabulary");
            return -1;
        }
        self->starts[id] = 1;
    }
    PyObject *k, *v;
    Py_ssize_t pos = 0;
    while (PyDict_Next(singles, &pos, &k, &v)) {
        long id = PyLong_AsLong(k), mask = PyLong_AsLong(v);
        if (PyErr_Occurred()) return -1;
        if (id < 0 || id >= nv) {
            PyErr_SetString(PyExc_ValueError, "CueScan: a single outside the vocabulary");
            return -1;
        }
        self->singles[id] = (int32_t)mask;
    }
    if (table_from_dict(&self->pairs, pairs) < 0 || table_from_dict(&self->phrases, phrases) < 0) return -1;
    memset(self->strip_kind, 0, sizeof(self->strip_kind));
    pos = 0;
    while (PyDict_Next(strip, &pos, &k, &v)) {
        long cp = PyLong_AsLong(k);
        if (cp == -1 && PyErr_Occurred()) return -1;
        if (cp < 0 || cp >= STRIP_MAX) {
            PyErr_Format(PyExc_ValueError, "CueScan: strip table code point %ld past %d", cp, STRIP_MAX);
            return -1;
        }
        if (v == Py_None) {
            self->strip_kind[cp] = 1;
        } else if (PyUnicode_Check(v) && PyUnicode_GET_LENGTH(v) >= 1 && PyUnicode_GET_LENGTH(v) <= 2) {
            Py_ssize_t n = PyUnicode_GET_LENGTH(v);
            self->strip_kind[cp] = (uint8_t)(1 + n);
            for (Py_ssize_t j = 0; j < n; j++) self->strip_to[cp][j] = PyUnicode_READ_CHAR(v, j);
        } else {
            PyErr_SetString(PyExc_ValueError, "CueScan: strip table values are None or 1-2 characters");
            return -1;
        }
    }
    return 0;
}

static inline int is_double_letter(Py_UCS4 c) { return (cclass(c) & (C_WORD | C_DECIMAL)) == C_WORD && c != '_'; }

typedef struct {
    int cat, a, b;
} Span;

/* counts(texts) -> bytes: int32 (n, ncat), the number of cue matches of each category */
static PyObject *CueScan_counts(CueScanObject *self, PyObject *texts)
{
    if (!self->vocab.slots) {
        PyErr_SetString(PyExc_ValueError, "CueScan not initialized");
        return NULL;
    }
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "CueScan.counts takes a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(texts);
    int ncat = self->ncat;
    PyObject *res = PyBytes_FromStringAndSize(NULL, n * ncat * (Py_ssize_t)sizeof(int32_t));
    if (!res) return NULL;
    int32_t *out = (int32_t *)PyBytes_AS_STRING(res);
    memset(out, 0, (size_t)(n * ncat) * sizeof(int32_t));
    Buf tb = {0}, nb = {0};
    int32_t *ids = NULL, *key = NULL;
    Span *spans = NULL;
    Py_ssize_t ids_cap = 0, key_cap = 0, spans_cap = 0;
    for (Py_ssize_t d = 0; d < n; d++) {
        if (buf_load(&tb, PyList_GET_ITEM(texts, d)) < 0) goto fail;
        if (grow(&ids, &ids_cap, tb.len + 1, sizeof(int32_t)) < 0) goto fail;
        if (buf_reserve(&nb, 2 * tb.len + 2) < 0) goto fail;
        if (grow(&key, &key_cap, 2 * tb.len + 2, sizeof(int32_t)) < 0) goto fail;
        Py_ssize_t nt = 0, i = 0, len = tb.len;
        const Py_UCS4 *p = tb.p;
        while (i < len) { /* tokens -> ids (-1: not a cue token) */
            if (!is_cue_token_char(p[i])) {
                i++;
                continue;
            }
            Py_ssize_t j = i;
            Py_ssize_t m = 0;
            while (j < len && is_cue_token_char(p[j])) {
                Py_UCS4 c = p[j++];
                if (c == 0x200c) continue;
                if (c < STRIP_MAX && self->strip_kind[c]) {
                    uint8_t kd = self->strip_kind[c];
                    if (kd >= 2) nb.p[m++] = self->strip_to[c][0];
                    if (kd == 3) nb.p[m++] = self->strip_to[c][1];
                    continue;
                }
                nb.p[m++] = c;
            }
            i = j;
            Py_ssize_t q = 0; /* doubled letters collapsed: _DOUBLE.sub(r"\1", token) */
            for (Py_ssize_t r = 0; r < m;) {
                Py_UCS4 c = nb.p[r++];
                if (is_double_letter(c))
                    while (r < m && nb.p[r] == c) r++;
                key[q++] = (int32_t)c;
            }
            if (!q) continue; /* a token of ZWNJ or combining marks alone */
            int32_t *id = seq_find(&self->vocab, key, q);
            ids[nt++] = id ? *id : -1;
        }
        if (grow(&spans, &spans_cap, nt + 1, sizeof(Span) * (size_t)ncat) < 0) goto fail;
        Py_ssize_t ns = 0;
        int free_at[32] = {0};
        for (Py_ssize_t t = 0; t < nt; t++) {
            int32_t tok = ids[t];
            if (tok < 0 || !self->starts[tok]) continue;
            if (t < nt - 1 && ids[t + 1] >= 0) {
                int32_t *lens = seq_find(&self->pairs, ids + t, 2);
                if (lens) {
                    for (int ln = 31; ln >= 2; ln--) {
                        if (!(*lens >> ln & 1) || t + ln > nt) continue;
                        int32_t *cats = seq_find(&self->phrases, ids + t, ln);
                        if (!cats) continue;
                        for (int c = 0; c < ncat; c++)
                            if ((*cats >> c & 1) && free_at[c] <= t) {
                                free_at[c] = (int)(t + ln);
                                spans[ns++] = (Span){c, (int)t, (int)(t + ln)};
                            }
                    }
                }
            }
            int32_t cats = self->singles[tok];
            for (int c = 0; c < ncat; c++)
                if ((cats >> c & 1) && free_at[c] <= t) {
                    free_at[c] = (int)(t + 1);
                    spans[ns++] = (Span){c, (int)t, (int)(t + 1)};
                }
        }
        int32_t *row = out + d * ncat;
        for (Py_ssize_t k = 0; k < ns; k++) {
            Span sp = spans[k];
            if (self->swear >= 0 && (self->abusive >> sp.cat & 1)) {
                int inside = 0;
                for (Py_ssize_t w = 0; w < ns && !inside; w++) {
                    Span sw = spans[w];
                    inside = sw.cat == self->swear && sw.b - sw.a > 1 && sw.a <= sp.a && sp.b <= sw.b &&
                             (sw.b - sw.a) > (sp.b - sp.a);
                }
                if (inside) continue;
            }
            row[sp.cat]++;
        }
    }
    buf_free(&tb);
    buf_free(&nb);
    PyMem_Free(ids);
    PyMem_Free(key);
    PyMem_Free(spans);
    return res;
fail:
    buf_free(&tb);
    buf_free(&nb);
    PyMem_Free(ids);
    PyMem_Free(key);
    PyMem_Free(spans);
    Py_DECREF(res);
    return NULL;
}

static PyMethodDef CueScan_methods[] = {
    {"counts", (PyCFunction)CueScan_counts, METH_O, "Cue matches per category of each text (int32 bytes)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CueScanType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "triage.pipeline._native.CueScan",
    .tp_doc = "The urgency or abuse cues as compiled tables (urgency_cues.UrgencyCues.native).",
    .tp_basicsize = sizeof(CueScanObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)CueScan_init,
    .tp_dealloc = (destructor)CueScan_dealloc,
    .tp_methods = CueScan_methods,
};

/* ------------------------------------------------------------------ abuse_suspect
 * abuse_cues._suspect: whether a text may hold an obfuscated word ("*" or "$", a leet character
 * between letters, letters spelled apart by . - _ or by single spaces), exactly its regexes. */

static inline int is_ascii_letter(Py_UCS4 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int is_leet_digit(Py_UCS4 c) { return c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7'; }
static inline int is_leet_char(Py_UCS4 c) { return is_leet_digit(c) || c == '!' || c == '@'; }

static int suspect(const Py_UCS4 *t, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = t[i];
        if (c == '*' || c == '$') return 1;
        /* _LEET_SEEN: [A-Za-z][013457!@][A-Za-z] | [013457][A-Za-z]+[013457] | [A-Za-z][013457]+[A-Za-z] */
        if (is_ascii_letter(c) && i + 2 < n && is_leet_char(t[i + 1]) && is_ascii_letter(t[i + 2])) return 1;
        if (is_leet_digit(c)) {
            Py_ssize_t j = i + 1;
            while (j < n && is_ascii_letter(t[j])) j++;
            if (j > i + 1 && j < n && is_leet_digit(t[j])) return 1;
        }
        if (is_ascii_letter(c)) {
            Py_ssize_t j = i + 1;
            while (j < n && is_leet_digit(t[j])) j++;
            if (j > i + 1 && j < n && is_ascii_letter(t[j])) return 1;
        }
        /* _SPELLED_SEEN: [.\-_] after a letter that follows no [\w.\-_*\/], before a letter */
        if ((c == '.' || c == '-' || c == '_') && i >= 1 && i + 1 < n && is_double_letter(t[i - 1]) &&
            is_double_letter(t[i + 1])) {
            Py_UCS4 b = i >= 2 ? t[i - 2] : 0;
            if (i < 2 || !(is_word(b) || b == '.' || b == '-' || b == '_' || b == '*' || b == '/')) return 1;
        }
        /* _SPACED_SEEN: a lone letter, " ", a letter, " ", a letter that ends a word */
        if (c == ' ' && i >= 1 && i + 3 < n && is_double_letter(t[i - 1]) && (i < 2 || !is_word(t[i - 2])) &&
            is_double_letter(t[i + 1]) && t[i + 2] == ' ' && is_double_letter(t[i + 3]) && (i + 4 >= n || !is_word(t[i + 4])))
            return 1;
    }
    return 0;
}

/* abuse_suspects(texts) -> bytes, 1 where abuse_cues._suspect(text) */
static PyObject *py_abuse_suspects(PyObject *Py_UNUSED(mod), PyObject *texts)
{
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "abuse_suspects takes a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *res = PyBytes_FromStringAndSize(NULL, n);
    if (!res) return NULL;
    char *out = PyBytes_AS_STRING(res);
    Buf b = {0};
    for (Py_ssize_t d = 0; d < n; d++) {
        if (buf_load(&b, PyList_GET_ITEM(texts, d)) < 0) {
            buf_free(&b);
            Py_DECREF(res);
            return NULL;
        }
        out[d] = (char)suspect(b.p, b.len);
    }
    buf_free(&b);
    return res;
}

/* ------------------------------------------------------------------ module */

/* ------------------------------------------------------------------ fastText inference
 * A quantized supervised fastText model (lid.176.ftz, the second opinion) read into plain arrays by
 * triage/pipeline/ftz.py, and its predictions computed here with the same float operations in the
 * same order as fastText 0.9's C++ (tokens split on its whitespace, a "</s>" at the end of the
 * line, character n-grams hashed with its FNV-1a of signed bytes, the pruned n-gram table, each
 * input row added in float, the average, then the softmax or the hierarchical softmax's
 * depth-first search, log(p + 1e-5) kept for the k best, exp() of it returned). The input rows are
 * dequantized once at load (norm * centroid, the product fastText computes per row). Tests compare
 * every probability with the fasttext package's, bit for bit. */

typedef struct {
    PyObject_HEAD
    int32_t dim, minn, maxn, bucket, nwords, size, nlabels, loss, prune_mode, eos;
    int64_t nrows;
    /* prune_mode 1: which buckets were kept, as a bitmap with the rank before each 64-bit block
     * (a few hundred KB that stay in cache, where the bucket table is megabytes read at random),
     * and the kept n-grams' rows in rank order */
    struct FtBlock { uint64_t bits; uint32_t base; uint32_t pad; } *kept;
    float *grows;
    float *rows;             /* nrows x dim, dequantized */
    float *out;              /* nlabels x dim (softmax: a row per label; hs: per inner node) */
    int32_t *left, *right;   /* hs tree, 2 * nlabels - 1 nodes */
    char *wchars;            /* the dictionary's entries, back to back */
    int64_t *woff;
    int32_t *wlen;
    uint8_t *wlabel;         /* entry is a label */
    int32_t *table;          /* open addressing: entry id or -1 */
    uint32_t tmask;
    float *hidden, *output;
    int32_t *hk_label;       /* the k-best heap, as plain arrays */
    float *hk_score;
} FastTextObject;

enum { FT_HS = 1, FT_SOFTMAX = 3 };

static inline uint32_t ft_fnv_extend(uint32_t h, const char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (uint32_t)(int32_t)(int8_t)p[i];
        h *= 16777619u;
    }
    return h;
}

static int32_t ft_lookup(FastTextObject *self, const char *w, Py_ssize_t n, uint32_t h)
{
    uint32_t i = h & self->tmask;
    for (;;) {
        int32_t id = self->table[i];
        if (id < 0) return -1;
        if (self->wlen[id] == n && memcmp(self->wchars + self->woff[id], w, (size_t)n) == 0) return id;
        i = (i + 1) & self->tmask;
    }
}

static void FastText_dealloc(FastTextObject *self)
{
    big_free(self->kept);
    big_free(self->grows);
    big_free(self->rows);
    PyMem_Free(self->out);
    PyMem_Free(self->left);
    PyMem_Free(self->right);
    PyMem_Free(self->wchars);
    PyMem_Free(self->woff);
    PyMem_Free(self->wlen);
    PyMem_Free(self->wlabel);
    big_free(self->table);
    PyMem_Free(self->hidden);
    PyMem_Free(self->output);
    PyMem_Free(self->hk_label);
    PyMem_Free(self->hk_score);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Copies a C-contiguous buffer of `count` items of `fmt` ("f" or "i") into fresh memory. */
static void *ft_copy(PyObject *o, const char *fmt, Py_ssize_t count, const char *what, int big)
{
    Py_buffer v;
    if (PyObject_GetBuffer(o, &v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    const char *f = v.format ? v.format : "";
    if (*f == '<' || *f == '=' || *f == '@') f++; /* little-endian is this machine's order */
    if (v.itemsize != 4 || strcmp(f, fmt) || v.len != count * 4) {
        PyBuffer_Release(&v);
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items of type %s", what, count, fmt);
        return NULL;
    }
    void *p = big ? big_alloc((size_t)v.len) : PyMem_Malloc((size_t)(v.len ? v.len : 4));
    if (!p) {
        PyBuffer_Release(&v);
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(p, v.buf, (size_t)v.len);
    PyBuffer_Release(&v);
    return p;
}

/* FastText(entries: list[bytes], labels: bytes, nwords, dim, minn, maxn, bucket, loss, prune_mode,
 *          prune: int32 (bucket, index) pairs by bucket (prune_mode 1), rows: float32[nrows * dim],
 *          out: float32[nlabels * dim],
 *          left: int32, right: int32) */
static int FastText_init(FastTextObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"entries", "labels", "nwords", "dim", "minn", "maxn", "bucket", "loss",
                             "prune_mode", "prune", "rows", "out", "left", "right", NULL};
    PyObject *entries, *labels, *prune_o, *rows_o, *out_o, *left_o, *right_o;
    if (self->rows) {
        PyErr_SetString(PyExc_RuntimeError, "FastText is already initialized");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!SiiiiiiiOOOOO", kwlist, &PyList_Type, &entries, &labels,
                                     &self->nwords, &self->dim, &self->minn, &self->maxn, &self->bucket,
                                     &self->loss, &self->prune_mode, &prune_o, &rows_o, &out_o, &left_o, &right_o))
        return -1;
    Py_ssize_t size = PyList_GET_SIZE(entries);
    if (PyBytes_GET_SIZE(labels) != size || self->dim <= 0 || self->bucket <= 0 || self->nwords < 0 ||
        self->nwords > size || (self->loss != FT_HS && self->loss != FT_SOFTMAX) || self->prune_mode < -1 ||
        self->prune_mode > 1) {
        PyErr_SetString(PyExc_ValueError, "inconsistent fastText model description");
        return -1;
    }
    self->size = (int32_t)size;
    self->nlabels = 0;
    for (Py_ssize_t i = 0; i < size; i++) self->nlabels += PyBytes_AS_STRING(labels)[i] != 0;
    Py_ssize_t nchars = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *e = PyList_GET_ITEM(entries, i);
        if (!PyBytes_Check(e)) {
            PyErr_SetString(PyExc_TypeError, "entries must be bytes");
            return -1;
        }
        nchars += PyBytes_GET_SIZE(e);
    }
    self->wchars = PyMem_Malloc((size_t)(nchars ? nchars : 1));
    self->woff = PyMem_Malloc((size_t)(size ? size : 1) * sizeof(int64_t));
    self->wlen = PyMem_Malloc((size_t)(size ? size : 1) * sizeof(int32_t));
    self->wlabel = PyMem_Malloc((size_t)(size ? size : 1));
    uint32_t tsize = 16;
    while (tsize < 2 * (uint32_t)size + 1) tsize *= 2;
    self->tmask = tsize - 1;
    self->table = big_alloc((size_t)tsize * sizeof(int32_t));
    self->hidden = PyMem_Malloc((size_t)self->dim * sizeof(float));
    Py_ssize_t nout = self->nlabels ? self->nlabels : 1;
    self->output = PyMem_Malloc((size_t)nout * sizeof(float));
    self->hk_label = PyMem_Malloc((size_t)(nout + 1) * sizeof(int32_t));
    self->hk_score = PyMem_Malloc((size_t)(nout + 1) * sizeof(float));
    if (!self->wchars || !self->woff || !self->wlen || !self->wlabel || !self->table || !self->hidden ||
        !self->output || !self->hk_label || !self->hk_score) {
        PyErr_NoMemory();
        return -1;
    }
    memset(self->table, 0xff, (size_t)tsize * sizeof(int32_t));
    self->eos = -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *e = PyList_GET_ITEM(entries, i);
        Py_ssize_t n = PyBytes_GET_SIZE(e);
        memcpy(self->wchars + at, PyBytes_AS_STRING(e), (size_t)n);
        self->woff[i] = at;
        self->wlen[i] = (int32_t)n;
        self->wlabel[i] = PyBytes_AS_STRING(labels)[i] != 0;
        uint32_t h = ft_fnv_extend(2166136261u, self->wchars + at, n);
        if (ft_lookup(self, self->wchars + at, n, h) >= 0) {
            PyErr_SetString(PyExc_ValueError, "the dictionary repeats an entry");
            return -1;
        }
        uint32_t j = h & self->tmask;
        while (self->table[j] >= 0) j = (j + 1) & self->tmask;
        self->table[j] = (int32_t)i;
        if (n == 4 && memcmp(PyBytes_AS_STRING(e), "</s>", 4) == 0) self->eos = (int32_t)i;
        at += n;
    }
    int32_t *prune = NULL; /* (bucket, n-gram index) pairs, by bucket */
    Py_ssize_t npairs = 0;
    if (self->prune_mode == 1) {
        Py_buffer pv;
        if (PyObject_GetBuffer(prune_o, &pv, PyBUF_C_CONTIGUOUS) < 0) return -1;
        npairs = pv.len / 8;
        PyBuffer_Release(&pv);
        if (!(prune = ft_copy(prune_o, "i", 2 * npairs, "prune", 0))) return -1;
    }
    Py_buffer v;
    if (PyObject_GetBuffer(rows_o, &v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    Py_ssize_t rlen = v.len;
    PyBuffer_Release(&v);
    self->nrows = rlen / 4 / self->dim;
    if (!(self->rows = ft_copy(rows_o, "f", self->nrows * self->dim, "rows", 1))) return -1;
    if (!(self->out = ft_copy(out_o, "f", (Py_ssize_t)self->nlabels * self->dim, "out", 0))) return -1;
    if (self->prune_mode == 1) {
        int64_t nblocks = ((int64_t)self->bucket + 63) / 64;
        self->kept = big_alloc((size_t)nblocks * sizeof(struct FtBlock));
        self->grows = big_alloc((size_t)(npairs ? npairs : 1) * (size_t)self->dim * sizeof(float));
        if (!self->kept || !self->grows) {
            PyMem_Free(prune);
            PyErr_NoMemory();
            return -1;
        }
        memset(self->kept, 0, (size_t)nblocks * sizeof(struct FtBlock));
        int64_t b = 0, last = -1;
        for (Py_ssize_t r = 0; r < npairs; r++) {
            int64_t bucket = prune[2 * r], id = prune[2 * r + 1];
            if (bucket <= last || bucket >= self->bucket || id < 0 || (int64_t)self->nwords + id >= self->nrows) {
                PyMem_Free(prune);
                PyErr_SetString(PyExc_ValueError, "the pruned n-grams must be (bucket, row) pairs by bucket");
                return -1;
            }
            last = bucket;
            for (; b <= bucket >> 6; b++) self->kept[b].base = (uint32_t)r;
            self->kept[bucket >> 6].bits |= (uint64_t)1 << (bucket & 63);
            memcpy(self->grows + r * self->dim, self->rows + ((int64_t)self->nwords + id) * self->dim,
                   (size_t)self->dim * sizeof(float));
        }
        for (; b < nblocks; b++) self->kept[b].base = (uint32_t)npairs;
        PyMem_Free(prune);
    }
    if (self->loss == FT_HS) {
        Py_ssize_t nodes = self->nlabels ? 2 * (Py_ssize_t)self->nlabels - 1 : 0;
        if (!(self->left = ft_copy(left_o, "i", nodes, "left", 0))) return -1;
        if (!(self->right = ft_copy(right_o, "i", nodes, "right", 0))) return -1;
    }
    return 0;
}

/* One row index per n-gram of "<token>" (fastText's computeSubwords and pushHash), added to hidden. */
static inline void ft_add(FastTextObject *self, const float *r, int64_t *count)
{
    float *x = self->hidden;
    if (self->dim == 16) /* the shipped models: a fixed count the compiler vectorizes (same sums) */
        for (int32_t j = 0; j < 16; j++) x[j] += r[j];
    else
        for (int32_t j = 0; j < self->dim; j++) x[j] += r[j];
    (*count)++;
}

static inline void ft_add_row(FastTextObject *self, int64_t row, int64_t *count)
{
    if (row < 0 || row >= self->nrows) return; /* cannot happen with a consistent model */
    ft_add(self, self->rows + row * self->dim, count);
}

static void ft_subwords(FastTextObject *self, const char *w, Py_ssize_t n, int64_t *count)
{
    if (self->prune_mode == 0) return;
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((w[i] & 0xC0) == 0x80) continue;
        uint32_t h = 2166136261u;
        Py_ssize_t j = i;
        for (int32_t len = 1; j < n && len <= self->maxn; len++) {
            Py_ssize_t from = j++;
            while (j < n && (w[j] & 0xC0) == 0x80) j++;
            h = ft_fnv_extend(h, w + from, j - from);
            if (len >= self->minn && !(len == 1 && (i == 0 || j == n))) {
                int32_t id = (int32_t)(h % (uint32_t)self->bucket);
                if (self->prune_mode == 1) {
                    const struct FtBlock *blk = self->kept + (id >> 6);
                    uint64_t bit = (uint64_t)1 << (id & 63);
                    if (!(blk->bits & bit)) continue;
                    int64_t r = (int64_t)blk->base + __builtin_popcountll(blk->bits & (bit - 1));
                    ft_add(self, self->grows + r * self->dim, count);
                    continue;
                }
                ft_add_row(self, (int64_t)self->nwords + id, count);
            }
        }
    }
}

static inline int ft_sep(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

/* hidden = the average of the line's input rows; returns how many (0: fastText predicts nothing). */
static int64_t ft_hidden(FastTextObject *self, const char *s, Py_ssize_t n, char *scratch)
{
    int64_t count = 0;
    memset(self->hidden, 0, (size_t)self->dim * sizeof(float));
    Py_ssize_t i = 0;
    for (;;) {
        while (i < n && ft_sep(s[i])) i++;
        const char *tok;
        Py_ssize_t len;
        int eos = i >= n;
        if (eos) {
            tok = "</s>";
            len = 4;
        } else {
            Py_ssize_t start = i;
            while (i < n && !ft_sep(s[i])) i++;
            tok = s + start;
            len = i - start;
        }
        if (len == 4 && memcmp(tok, "</s>", 4) == 0) eos = 1; /* fastText's line ends at its EOS token */
        int32_t wid = ft_lookup(self, tok, len, ft_fnv_extend(2166136261u, tok, len));
        int is_label = wid >= 0 ? self->wlabel[wid] : (len >= 9 && memcmp(tok, "__label__", 9) == 0);
        if (!is_label) {
            if (wid >= 0) ft_add_row(self, wid, &count);
            if (!eos && (wid < 0 || self->maxn > 0)) {
                scratch[0] = '<';
                memcpy(scratch + 1, tok, (size_t)len);
                scratch[len + 1] = '>';
                ft_subwords(self, scratch, len + 2, &count);
            }
        }
        if (eos) break;
    }
    if (count) {
        float a = (float)(1.0 / (double)count);
        for (int32_t j = 0; j < self->dim; j++) self->hidden[j] *= a;
    }
    return count;
}

static inline float ft_dot(const FastTextObject *self, int32_t row)
{
    const float *w = self->out + (int64_t)row * self->dim;
    float d = 0.0f;
    for (int32_t j = 0; j < self->dim; j++) d += w[j] * self->hidden[j];
    return d;
}

static inline float ft_std_log(float x) { return (float)log((double)x + 1e-5); }

/* fastText's k-best heap: keeps the k best scores; `worst` is the smallest kept */
typedef struct {
    int32_t k, n;
    int32_t *label;
    float *score;
} FtHeap;

static inline float ft_heap_min(const FtHeap *hp)
{
    float m = hp->score[0];
    for (int32_t i = 1; i < hp->n; i++) m = hp->score[i] < m ? hp->score[i] : m;
    return m;
}

static inline void ft_heap_push(FtHeap *hp, float score, int32_t label)
{
    hp->label[hp->n] = label;
    hp->score[hp->n] = score;
    hp->n++;
    if (hp->n > hp->k) { /* drop the smallest (the last one among equals) */
        int32_t at = 0;
        for (int32_t i = 1; i < hp->n; i++)
            if (hp->score[i] <= hp->score[at]) at = i;
        hp->label[at] = hp->label[hp->n - 1];
        hp->score[at] = hp->score[hp->n - 1];
        hp->n--;
    }
}

static void ft_dfs(const FastTextObject *self, FtHeap *hp, float log_threshold, int32_t node, float score)
{
    if (score < log_threshold) return;
    if (hp->n == hp->k && score < ft_heap_min(hp)) return;
    int32_t osz = self->nlabels;
    if (self->left[node] == -1 && self->right[node] == -1) {
        ft_heap_push(hp, score, node);
        return;
    }
    float f = ft_dot(self, node - osz);
    f = (float)(1. / (double)(1.0f + expf(-f)));
    ft_dfs(self, hp, log_threshold, self->left[node], score + ft_std_log((float)(1.0 - (double)f)));
    ft_dfs(self, hp, log_threshold, self->right[node], score + ft_std_log(f));
}

/* predict_into(views, k, threshold, columns: int32[nlabels], out: float64[n * ncols], top: float64[n])
 * Each view's probabilities of the k best labels (fastText's predict(view + "\n", k, threshold)) in
 * out[i, columns[label]] (labels whose column is -1 are skipped), and the best one's in top[i]
 * (NaN when fastText would predict nothing). */
/* The k best labels of the hidden vector in self->hidden into hp (fastText's predict): softmax
 * over every label, or the hierarchical-softmax tree's depth-first search. */
static void ft_best_labels(FastTextObject *self, FtHeap *hp, float threshold, float log_threshold)
{
    if (self->loss == FT_SOFTMAX) {
        float *y = self->output;
        for (int32_t i = 0; i < self->nlabels; i++) y[i] = ft_dot(self, i);
        float mx = y[0], z = 0.0f;
        for (int32_t i = 0; i < self->nlabels; i++) mx = y[i] < mx ? mx : y[i];
        for (int32_t i = 0; i < self->nlabels; i++) {
            y[i] = (float)exp((double)(y[i] - mx));
            z += y[i];
        }
        for (int32_t i = 0; i < self->nlabels; i++) y[i] /= z;
        for (int32_t i = 0; i < self->nlabels; i++) {
            if (y[i] < threshold) continue;
            float s_i = ft_std_log(y[i]);
            if (hp->n == hp->k && s_i < ft_heap_min(hp)) continue;
            ft_heap_push(hp, s_i, i);
        }
    } else {
        ft_dfs(self, hp, log_threshold, 2 * self->nlabels - 2, 0.0f);
    }
}

static PyObject *FastText_predict_into(FastTextObject *self, PyObject *args)
{
    PyObject *views, *cols_o, *out_o, *top_o;
    int k;
    double threshold_d;
    if (!PyArg_ParseTuple(args, "O!idOOO", &PyList_Type, &views, &k, &threshold_d, &cols_o, &out_o, &top_o))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(views);
    if (k == -1) k = self->nlabels;
    if (k <= 0) {
        PyErr_SetString(PyExc_ValueError, "k needs to be 1 or higher!");
        return NULL;
    }
    if (k > self->nlabels) k = self->nlabels;
    float threshold = (float)threshold_d;
    Py_buffer cols = {0}, out = {0}, top = {0};
    char *scratch = NULL;
    if (PyObject_GetBuffer(cols_o, &cols, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(out_o, &out, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) goto fail;
    if (PyObject_GetBuffer(top_o, &top, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) goto fail;
    if (cols.itemsize != 4 || strcmp(cols.format, "i") || cols.len != (Py_ssize_t)self->nlabels * 4 ||
        out.itemsize != 8 || strcmp(out.format, "d") || top.itemsize != 8 || strcmp(top.format, "d") ||
        top.len != n * 8 || (n && out.len % (n * 8))) {
        PyErr_SetString(PyExc_ValueError, "predict_into: columns int32[nlabels], out float64[n, m], top float64[n]");
        goto fail;
    }
    Py_ssize_t ncols = n ? out.len / (n * 8) : 0;
    const int32_t *col = cols.buf;
    for (int32_t i = 0; i < self->nlabels; i++)
        if (col[i] >= ncols) {
            PyErr_SetString(PyExc_ValueError, "predict_into: a column is out of range");
            goto fail;
        }
    double *o = out.buf, *t = top.buf;
    Py_ssize_t cap = 0;
    FtHeap hp = {k, 0, self->hk_label, self->hk_score};
    float log_threshold = ft_std_log(threshold);
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *v = PyList_GET_ITEM(views, r);
        if (!PyUnicode_Check(v)) {
            PyErr_SetString(PyExc_TypeError, "views must be str");
            goto fail;
        }
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(v, &len);
        if (!s) goto fail;
        if (len + 2 > cap) {
            PyMem_Free(scratch);
            cap = 2 * (len + 2);
            if (!(scratch = PyMem_Malloc((size_t)cap))) {
                PyErr_NoMemory();
                goto fail;
            }
        }
        double *row = o + r * ncols;
        for (Py_ssize_t c = 0; c < ncols; c++) row[c] = 0.0;
        hp.n = 0;
        if (ft_hidden(self, s, len, scratch) == 0) {
            t[r] = NAN;
            continue;
        }
        ft_best_labels(self, &hp, threshold, log_threshold);
        float best = -INFINITY;
        for (int32_t i = 0; i < hp.n; i++) {
            float p = expf(hp.score[i]);
            int32_t c = col[hp.label[i]];
            if (c >= 0) row[c] = (double)p;
            if (hp.score[i] > best || i == 0) best = hp.score[i];
        }
        t[r] = hp.n ? (double)expf(best) : NAN;
    }
    PyMem_Free(scratch);
    PyBuffer_Release(&cols);
    PyBuffer_Release(&out);
    PyBuffer_Release(&top);
    Py_RETURN_NONE;
fail:
    PyMem_Free(scratch);
    PyBuffer_Release(&cols);
    if (out.obj) PyBuffer_Release(&out);
    if (top.obj) PyBuffer_Release(&top);
    return NULL;
}

/* predict(views, k, threshold) -> [(label index, probability), ...] per view, best first (tests) */
static PyObject *FastText_predict(FastTextObject *self, PyObject *args)
{
    PyObject *views;
    int k;
    double threshold_d;
    if (!PyArg_ParseTuple(args, "O!id", &PyList_Type, &views, &k, &threshold_d)) return NULL;
    if (k == -1) k = self->nlabels;
    if (k <= 0) {
        PyErr_SetString(PyExc_ValueError, "k needs to be 1 or higher!");
        return NULL;
    }
    if (k > self->nlabels) k = self->nlabels;
    float threshold = (float)threshold_d;
    Py_ssize_t n = PyList_GET_SIZE(views);
    PyObject *result = PyList_New(n);
    char *scratch = NULL;
    Py_ssize_t cap = 0;
    if (!result) return NULL;
    FtHeap hp = {k, 0, self->hk_label, self->hk_score};
    for (Py_ssize_t r = 0; r < n; r++) {
        Py_ssize_t len;
        PyObject *v = PyList_GET_ITEM(views, r);
        const char *s = PyUnicode_Check(v) ? PyUnicode_AsUTF8AndSize(v, &len) : NULL;
        if (!s) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "views must be str");
            goto fail;
        }
        if (len + 2 > cap) {
            PyMem_Free(scratch);
            cap = 2 * (len + 2);
            if (!(scratch = PyMem_Malloc((size_t)cap))) {
                PyErr_NoMemory();
                goto fail;
            }
        }
        hp.n = 0;
        if (ft_hidden(self, s, len, scratch)) {
            ft_best_labels(self, &hp, threshold, ft_std_log(threshold));
        }
        /* best first (insertion sort: k is small) */
        for (int32_t i = 1; i < hp.n; i++)
            for (int32_t j = i; j > 0 && hp.score[j] > hp.score[j - 1]; j--) {
                float ts = hp.score[j]; hp.score[j] = hp.score[j - 1]; hp.score[j - 1] = ts;
                int32_t tl = hp.label[j]; hp.label[j] = hp.label[j - 1]; hp.label[j - 1] = tl;
            }
        PyObject *lst = PyList_New(hp.n);
        if (!lst) goto fail;
        PyList_SET_ITEM(result, r, lst);
        for (int32_t i = 0; i < hp.n; i++) {
            PyObject *pair = Py_BuildValue("(id)", hp.label[i], (double)expf(hp.score[i]));
            if (!pair) goto fail;
            PyList_SET_ITEM(lst, i, pair);
        }
    }
    PyMem_Free(scratch);
    return result;
fail:
    PyMem_Free(scratch);
    Py_DECREF(result);
    return NULL;
}

static PyMethodDef FastText_methods[] = {
    {"predict_into", (PyCFunction)FastText_predict_into, METH_VARARGS,
     "Probabilities of the k best labels of each view into a float64 matrix by label column."},
    {"predict", (PyCFunction)FastText_predict, METH_VARARGS, "[(label index, probability), ...] per view."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FastTextType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "triage.pipeline._native.FastText",
    .tp_doc = "A quantized supervised fastText model's predictions (see triage/pipeline/ftz.py).",
    .tp_basicsize = sizeof(FastTextObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)FastText_init,
    .tp_dealloc = (destructor)FastText_dealloc,
    .tp_methods = FastText_methods,
};

/* ------------------------------------------------------------------ CSR @ dense
 * csr_matvecs(n_row, n_col, n_vecs, indptr, indices, data, X, Y): Y += A @ X for a float32 CSR
 * matrix A with int32 indices and C-contiguous float32 X (n_col, n_vecs), Y (n_row, n_vecs): the loop
 * of scipy's sparsetools csr_matvecs (each output row summed over the row's non-zeros in order, one
 * multiply then one add per element), so the fast heads' products need no scipy import. */
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define CSR_SSE 1
#endif

static void csr_matvecs_loop(Py_ssize_t n_row, Py_ssize_t n_vecs, const int32_t *ap, const int32_t *aj,
                             const float *ax, const float *xx, float *yy)
{
    for (Py_ssize_t i = 0; i < n_row; i++) {
        float *yi = yy + i * n_vecs;
        for (int32_t jj = ap[i]; jj < ap[i + 1]; jj++) {
            const float a = ax[jj];
            const float *xj = xx + (Py_ssize_t)aj[jj] * n_vecs;
            Py_ssize_t k = 0;
#ifdef CSR_SSE /* four outputs at a time: each is still one float multiply, then one add */
            const __m128 a4 = _mm_set1_ps(a);
            for (; k + 4 <= n_vecs; k += 4)
                _mm_storeu_ps(yi + k, _mm_add_ps(_mm_loadu_ps(yi + k), _mm_mul_ps(a4, _mm_loadu_ps(xj + k))));
#endif
            for (; k < n_vecs; k++) yi[k] += a * xj[k];
        }
    }
}

static PyObject *py_csr_matvecs(PyObject *Py_UNUSED(mod), PyObject *args)
{
    Py_ssize_t n_row, n_col, n_vecs;
    PyObject *ptr_o, *ind_o, *dat_o, *x_o, *y_o;
    if (!PyArg_ParseTuple(args, "nnnOOOOO", &n_row, &n_col, &n_vecs, &ptr_o, &ind_o, &dat_o, &x_o, &y_o)) return NULL;
    Py_buffer ptr = {0}, ind = {0}, dat = {0}, x = {0}, y = {0};
    PyObject *result = NULL;
    if (PyObject_GetBuffer(ptr_o, &ptr, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(ind_o, &ind, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(dat_o, &dat, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(x_o, &x, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(y_o, &y, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0)
        goto done;
    if (ptr.itemsize != 4 || ind.itemsize != 4 || dat.itemsize != 4 || x.itemsize != 4 || y.itemsize != 4 ||
        strchr(ptr.format, 'f') || strchr(ind.format, 'f') || !strchr(dat.format, 'f') || !strchr(x.format, 'f') ||
        !strchr(y.format, 'f') || n_row < 0 || n_col < 0 || n_vecs < 0 || ptr.len != (n_row + 1) * 4 ||
        x.len != n_col * n_vecs * 4 || y.len != n_row * n_vecs * 4 || ind.len != dat.len) {
        PyErr_SetString(PyExc_ValueError, "csr_matvecs: int32 indptr/indices, float32 data, X and Y of matching shapes");
        goto done;
    }
    const int32_t *ap = ptr.buf, *aj = ind.buf;
    const float *ax = dat.buf, *xx = x.buf;
    float *yy = y.buf;
    Py_ssize_t nnz = ind.len / 4;
    if (n_row && (ap[0] < 0 || ap[n_row] > nnz)) {
        PyErr_SetString(PyExc_ValueError, "csr_matvecs: indptr out of range");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_row; i++) {
        if (ap[i] > ap[i + 1]) {
            PyErr_SetString(PyExc_ValueError, "csr_matvecs: indptr must not decrease");
            goto done;
        }
        for (int32_t jj = ap[i]; jj < ap[i + 1]; jj++)
            if (aj[jj] < 0 || aj[jj] >= n_col) {
                PyErr_SetString(PyExc_ValueError, "csr_matvecs: a column index is out of range");
                goto done;
            }
    }
    csr_matvecs_loop(n_row, n_vecs, ap, aj, ax, xx, yy);
    result = Py_None;
    Py_INCREF(result);
done:
    if (ptr.obj) PyBuffer_Release(&ptr);
    if (ind.obj) PyBuffer_Release(&ind);
    if (dat.obj) PyBuffer_Release(&dat);
    if (x.obj) PyBuffer_Release(&x);
    if (y.obj) PyBuffer_Release(&y);
    return result;
}

static PyMethodDef methods[] = {
    {"clean", py_clean, METH_O, "normalize()'s tail: invisible characters removed, whitespace collapsed, stripped."},
    {"fold_flags", py_fold_flags, METH_O, "Bit set of what fold()'s substitutions may find."},
    {"fold_numbers", py_fold_numbers, METH_O, "text._NUMBER.sub('0', text)."},
    {"fold_tail", py_fold_tail, METH_O, "fold()'s tail after lower()."},
    {"url_hint", py_url_hint, METH_O, "Whether text._URL_HINT finds something."},
    {"url_sub", py_url_sub, METH_VARARGS, "text._URL.sub(repl, text)."},
    {"lid_tail", py_lid_tail, METH_O, "langid.prepare()'s tail after lower()."},
    {"lid_script", py_lid_script, METH_O, "langid.dominant_script() as an index."},
    {"lid_views", py_lid_views, METH_VARARGS, "LanguageDetector.detect's per-text rules for a batch."},
    {"featurize", py_featurize, METH_VARARGS, "TF-IDF n-grams and cue features as CSR arrays."},
    {"cue_matrix", py_cue_matrix, METH_VARARGS, "The dense cue features."},
    {"cue_tokens", py_cue_tokens, METH_VARARGS, "urgency_cues.match_tokens of each text of a list."},
    {"abuse_suspects", py_abuse_suspects, METH_O, "abuse_cues._suspect of each text of a list (bytes)."},
    {"csr_matvecs", py_csr_matvecs, METH_VARARGS, "Y += A @ X, scipy's csr_matvecs loop (float32, int32 indices)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "_native", "Compiled hot paths of the fast tier.", -1, methods,
};

PyMODINIT_FUNC PyInit__native(void)
{
    for (Py_UCS4 c = 0; c < 0x10000; c++) ctab[c] = classify(c);
    if (PyType_Ready(&VocabType) < 0 || PyType_Ready(&CueType) < 0 || PyType_Ready(&CueScanType) < 0 ||
        PyType_Ready(&FastTextType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&VocabType);
    Py_INCREF(&CueType);
    Py_INCREF(&CueScanType);
    Py_INCREF(&FastTextType);
    if (PyModule_AddObject(m, "Vocab", (PyObject *)&VocabType) < 0 ||
        PyModule_AddObject(m, "CueScan", (PyObject *)&CueScanType) < 0 ||
        PyModule_AddObject(m, "CueTable", (PyObject *)&CueType) < 0 ||
        PyModule_AddObject(m, "FastText", (PyObject *)&FastTextType) < 0 ||
        PyModule_AddIntConstant(m, "F_AT", F_AT) < 0 || PyModule_AddIntConstant(m, "F_SLASH", F_SLASH) < 0 ||
        PyModule_AddIntConstant(m, "F_DOT", F_DOT) < 0 || PyModule_AddIntConstant(m, "F_DIGIT", F_DIGIT) < 0 ||
        PyModule_AddIntConstant(m, "F_DIGITS8", F_DIGITS8) < 0 || PyModule_AddIntConstant(m, "N_CUES", N_CUES) < 0 ||
        PyModule_AddIntConstant(m, "LID_PYTHON", LID_PYTHON) < 0 || PyModule_AddIntConstant(m, "LID_UND", LID_UND) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
