/* The hot loop of worldsmith.levels.agents.smb.SmbSearch, in C: the best-first search over
 * Mario's states (row, column, phase), its lookback, and the retile that keeps the states a
 * change does not reach. smb.py holds the documentation, the move tables (built from the
 * physics there and handed in as arrays) and the path's unwinding; this file only runs them.
 *
 * A state's key is (row * w + col) * phases + phase, as in smb.py. The heap pops the furthest
 * column first, then the earliest push (heapq's order on (-col, order, key) in the Python
 * version: the same pops, so the same paths). Per state: its parent (-1: the start), the
 * furthest column of its moves ("top"), its live push order (0: none) and the next state in its
 * top column's bucket, in an open-addressing hash table (a dense array of every key would take
 * 14 * w * 267 entries).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CODES 12
#define EMPTY (-1)
#define UNSEEN (-2)     /* a slot whose state was dropped by a retile */

typedef struct { int32_t key, parent, top, order, next; } Entry;
typedef struct { int32_t col, order, key; } Item;

typedef struct {
    PyObject_HEAD
    int h, w, phases, lookback, margin, drop;
    int8_t *stage_dr;       /* [phases * CODES]: rows moved by a stage ended in a cell of that code */
    int32_t *stage_ph;      /* [phases * CODES]: the next phase, -1 out of the level */
    int32_t *jump;          /* [CODES]: the phase a jump starts in */
    int32_t *steer;         /* [phases] */
    uint8_t *clear, *foot;  /* [h * w]; foot NULL: no foothold rule */
    int8_t *code;           /* [h * w] */
    Entry *table; int32_t cap, used;
    int32_t *head;          /* [w]: the first state of each top column's bucket, -1 none */
    Item *heap; int32_t nheap, capheap;
    int32_t order, far;
} Core;

/* ---- the state table ---- */

static inline uint32_t slot_of(int32_t key, int32_t cap) {
    return ((uint32_t)key * 2654435761u) & (uint32_t)(cap - 1);
}

static Entry *find(Core *s, int32_t key) {      /* the key's slot, or the empty slot it would take */
    uint32_t i = slot_of(key, s->cap);
    while (s->table[i].key != EMPTY && s->table[i].key != key)
        i = (i + 1) & (uint32_t)(s->cap - 1);
    return &s->table[i];
}

static int grow(Core *s) {
    Entry *old = s->table; int32_t n = s->cap;
    Entry *t = malloc(sizeof(Entry) * (size_t)n * 2);
    if (!t) return -1;
    for (int32_t i = 0; i < 2 * n; i++) t[i].key = EMPTY;
    s->table = t; s->cap = 2 * n;
    for (int32_t i = 0; i < n; i++)
        if (old[i].key != EMPTY) *find(s, old[i].key) = old[i];
    free(old);
    return 0;
}

static Entry *seen(Core *s, int32_t key) {      /* the key's entry if the search holds it */
    Entry *e = find(s, key);
    return (e->key == key && e->parent != UNSEEN) ? e : NULL;
}

/* ---- the heap: furthest column first, then earliest order ---- */

static inline int before(const Item *a, const Item *b) {
    return a->col > b->col || (a->col == b->col && a->order < b->order);
}

static int heap_push(Core *s, int32_t col, int32_t key) {
    if (s->nheap == s->capheap) {
        int32_t cap = s->capheap ? 2 * s->capheap : 1024;
        Item *h = realloc(s->heap, sizeof(Item) * (size_t)cap);
        if (!h) return -1;
        s->heap = h; s->capheap = cap;
    }
    Item it = {col, ++s->order, key};
    int32_t i = s->nheap++;
    while (i > 0) {
        int32_t p = (i - 1) / 2;
        if (!before(&it, &s->heap[p])) break;
        s->heap[i] = s->heap[p]; i = p;
    }
    s->heap[i] = it;
    return 0;
}

static void heap_pop(Core *s) {
    Item last = s->heap[--s->nheap];
    int32_t i = 0, n = s->nheap;
    for (;;) {
        int32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(&s->heap[c + 1], &s->heap[c])) c++;
        if (!before(&s->heap[c], &last)) break;
        s->heap[i] = s->heap[c]; i = c;
    }
    if (n) s->heap[i] = last;
}

/* a state first reached from `parent` (-1: the start) with its moves reaching column `reach` */
static int visit(Core *s, int32_t key, int32_t col, int32_t parent, int32_t reach) {
    Entry *e = find(s, key);
    if (e->key == key && e->parent != UNSEEN) return 0;
    if (e->key == EMPTY) {
        if (2 * (s->used + 1) > s->cap) {
            if (grow(s)) return -1;
            e = find(s, key);
        }
        s->used++;
        e->key = key;
    }
    int32_t top = col > reach ? col : reach;
    e->parent = parent; e->top = top;
    e->next = s->head[top]; s->head[top] = key;
    if (heap_push(s, col, key)) return -1;
    e->order = s->order;
    return 0;
}

/* ---- moves ---- */

typedef struct { int32_t r, c, phase; } Move;

/* the states one move leads to from (r, c) in `phase`, as SmbSearch._moves documents; at most
 * 2 * steer + 1 airborne or 4 standing */
static int moves(Core *s, int r, int c, int phase, Move *out) {
    int w = s->w, n = 0;
    const uint8_t *clear = s->clear + (size_t)r * w;
    const int8_t *code = s->code + (size_t)r * w;
    if (phase == 0) {
        int edge = 0;
        for (int c2 = c - 1; c2 <= c + 1; c2 += 2) {
            if (c2 < 0 || c2 >= w || !clear[c2]) continue;
            if (code[c2] >> 2 == 1) out[n++] = (Move){r, c2, 0};
            else edge = 1;
        }
        out[n++] = (Move){r, c, s->jump[code[c]]};
        if (edge) out[n++] = (Move){r, c, s->drop};
    } else {
        int steer = s->steer[phase];
        const int8_t *dr = s->stage_dr + (size_t)phase * CODES;
        const int32_t *ph = s->stage_ph + (size_t)phase * CODES;
        int cols[64], k = 0;
        cols[k++] = c;
        for (int dc = -1; dc <= 1; dc += 2)
            for (int c2 = c + dc; abs(c2 - c) <= steer && c2 >= 0 && c2 < w && clear[c2] && k < 64; c2 += dc)
                cols[k++] = c2;
        for (int i = 0; i < k; i++)
            if (ph[code[cols[i]]] >= 0) out[n++] = (Move){r + dr[code[cols[i]]], cols[i], ph[code[cols[i]]]};
    }
    if (s->foot) {                                 /* standing only on footholds */
        int m = 0;
        for (int i = 0; i < n; i++)
            if (out[i].phase || s->foot[(size_t)out[i].r * w + out[i].c]) out[m++] = out[i];
        n = m;
    }
    return n;
}

/* ---- the Python type ---- */

static void reset(Core *s) {
    for (int32_t i = 0; i < s->cap; i++) s->table[i].key = EMPTY;
    s->used = 0; s->nheap = 0; s->far = 0;
    for (int i = 0; i < s->w; i++) s->head[i] = -1;
}

static void *copy_buffer(PyObject *obj, Py_ssize_t items, Py_ssize_t itemsize, const char *name) {
    Py_buffer b;
    if (PyObject_GetBuffer(obj, &b, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (b.len != items * itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd bytes, got %zd", name, items * itemsize, b.len);
        PyBuffer_Release(&b);
        return NULL;
    }
    void *out = malloc((size_t)b.len ? (size_t)b.len : 1);
    if (out) memcpy(out, b.buf, (size_t)b.len); else PyErr_NoMemory();
    PyBuffer_Release(&b);
    return out;
}

static void release(Core *s) {                 /* every buffer, NULL again (init may run twice) */
    free(s->stage_dr); free(s->stage_ph); free(s->jump); free(s->steer);
    free(s->clear); free(s->foot); free(s->code); free(s->table); free(s->head); free(s->heap);
    s->stage_dr = NULL; s->stage_ph = NULL; s->jump = NULL; s->steer = NULL;
    s->clear = NULL; s->foot = NULL; s->code = NULL; s->table = NULL; s->head = NULL; s->heap = NULL;
    s->nheap = s->capheap = 0;
}

static void core_dealloc(Core *s) {
    release(s);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

/* Core(h, w, phases, lookback, margin, drop, stage_dr int8, stage_ph int32, jump int32, steer int32, foot) */
static int core_init(Core *s, PyObject *args, PyObject *kw) {
    PyObject *dr, *ph, *jump, *steer;
    int foot;
    release(s);
    if (!PyArg_ParseTuple(args, "iiiiiiOOOOp", &s->h, &s->w, &s->phases, &s->lookback, &s->margin,
                          &s->drop, &dr, &ph, &jump, &steer, &foot))
        return -1;
    if (s->h < 1 || s->w < 1 || (int64_t)s->h * s->w * s->phases >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "level size out of range");
        return -1;
    }
    size_t cells = (size_t)s->h * s->w;
    s->stage_dr = copy_buffer(dr, (Py_ssize_t)s->phases * CODES, 1, "stage_dr");
    s->stage_ph = s->stage_dr ? copy_buffer(ph, (Py_ssize_t)s->phases * CODES, 4, "stage_ph") : NULL;
    s->jump = s->stage_ph ? copy_buffer(jump, CODES, 4, "jump") : NULL;
    s->steer = s->jump ? copy_buffer(steer, s->phases, 4, "steer") : NULL;
    if (!s->steer) return -1;
    s->clear = calloc(cells, 1); s->code = calloc(cells, 1); s->foot = foot ? calloc(cells, 1) : NULL;
    s->cap = 4096; s->table = malloc(sizeof(Entry) * (size_t)s->cap);
    s->head = malloc(sizeof(int32_t) * (size_t)s->w);
    if (!s->clear || !s->code || (foot && !s->foot) || !s->table || !s->head) { PyErr_NoMemory(); return -1; }
    reset(s);
    return 0;
}

/* set_tiles(clear uint8, foot uint8 or None, start, end): columns [start, end), each array
 * (h, end - start); the cells' codes follow from `clear`: all that a move through a cell reads
 * besides its own row, above + 2 * two_above + 4 * below (above, two above: clear and inside
 * the level; below: 0 clear, 1 solid, 2 the bottom row) */
static PyObject *core_set_tiles(Core *s, PyObject *args) {
    PyObject *objs[2];
    int start, end;
    if (!PyArg_ParseTuple(args, "OOii", &objs[0], &objs[1], &start, &end)) return NULL;
    if (start < 0 || end > s->w || start > end)
        return PyErr_Format(PyExc_ValueError, "columns [%d, %d) outside a level %d wide", start, end, s->w);
    size_t n = (size_t)(end - start);
    uint8_t *dst[2] = {s->clear, s->foot};
    for (int k = 0; k < 2; k++) {
        if (!dst[k]) continue;
        Py_buffer b;
        if (PyObject_GetBuffer(objs[k], &b, PyBUF_C_CONTIGUOUS) < 0) return NULL;
        if (b.len != (Py_ssize_t)(s->h * n)) {
            PyBuffer_Release(&b);
            return PyErr_Format(PyExc_ValueError, "tiles: expected %d x %zu bytes", s->h, n);
        }
        for (int r = 0; r < s->h; r++)
            memcpy(dst[k] + (size_t)r * s->w + start, (uint8_t *)b.buf + r * n, n);
        PyBuffer_Release(&b);
    }
    for (int r = 0; r < s->h; r++)
        for (int c = start; c < end; c++) {
            const uint8_t *clear = s->clear + c;
            int code = (r >= 1 && clear[(size_t)(r - 1) * s->w]) + 2 * (r >= 2 && clear[(size_t)(r - 2) * s->w]);
            code += r == s->h - 1 ? 8 : 4 * !clear[(size_t)(r + 1) * s->w];
            s->code[(size_t)r * s->w + c] = (int8_t)code;
        }
    Py_RETURN_NONE;
}

/* start(): an empty search from the lowest standing cell of column 0 (if any) */
static PyObject *core_start(Core *s, PyObject *unused) {
    reset(s);
    for (int r = s->h - 2; r >= 0; r--)
        if (s->clear[(size_t)r * s->w] && !s->clear[(size_t)(r + 1) * s->w]) {
            if (visit(s, r * s->w * s->phases, 0, -1, 0)) return PyErr_NoMemory();
            break;
        }
    Py_RETURN_NONE;
}

/* run(goal) -> (status, key): 0 no path (or stuck past the lookback), 1 stopped at `goal` short
 * of the last column, 2 reached the last column in state `key` */
static PyObject *core_run(Core *s, PyObject *args) {
    int goal;
    if (!PyArg_ParseTuple(args, "i", &goal)) return NULL;
    int w = s->w, phases = s->phases;
    Move out[80];
    while (s->nheap) {
        Item top = s->heap[0];
        Entry *e = seen(s, top.key);
        if (!e || e->order != top.order) { heap_pop(s); continue; }   /* dropped, or pushed again */
        int c = top.col;
        if (s->lookback >= 0 && c < s->far - s->lookback) return Py_BuildValue("ii", 0, -1);
        if (c >= goal && c < w - 1) {
            if (c > s->far) s->far = c;
            return Py_BuildValue("ii", 1, -1);
        }
        heap_pop(s);
        if (c > s->far) s->far = c;
        if (c == w - 1) return Py_BuildValue("ii", 2, top.key);
        int32_t reach = e->top, cell = top.key / phases;
        int n = moves(s, cell / w, c, top.key % phases, out);
        for (int i = 0; i < n; i++)
            if (visit(s, (out[i].r * w + out[i].c) * phases + out[i].phase, out[i].c, top.key, reach))
                return PyErr_NoMemory();
    }
    return Py_BuildValue("ii", 0, -1);
}

/* One state (row, col, phase) onto the list; with `cells`, (row, col) only, and only if it is
 * not the cell last appended (*prev: that cell as row * w + col, -1 at first). */
static int append_state(PyObject *list, int r, int c, int phase, int cells, int w, long *prev) {
    if (cells && *prev == (long)r * w + c) return 0;
    *prev = (long)r * w + c;
    PyObject *t = cells ? Py_BuildValue("ii", r, c) : Py_BuildValue("iii", r, c, phase);
    int err = !t || PyList_Append(list, t);
    Py_XDECREF(t);
    return err;
}

/* path(key, cells=0) -> [(row, col, phase)]: the states from the start to `key`, with the
 * columns an airborne state steered through filled in (at its row and phase; up to the column
 * before the next state's if that is on the same row); with `cells`, the cells Mario passes
 * through instead, in order ((row, col), each run of states in one cell once) */
static PyObject *core_path(Core *s, PyObject *args) {
    int key, cells = 0;
    long prev = -1;                                     /* the cell last appended, with `cells` */
    if (!PyArg_ParseTuple(args, "i|p", &key, &cells)) return NULL;
    int32_t n = 0, cap = 256, *keys = malloc(sizeof(int32_t) * cap);
    for (Entry *e; keys && key != -1; key = e->parent) {
        if (!(e = seen(s, key))) { free(keys); return PyErr_Format(PyExc_KeyError, "%d", key); }
        if (n == cap) { int32_t *k = realloc(keys, sizeof(int32_t) * (cap *= 2)); if (!k) { free(keys); keys = NULL; break; } keys = k; }
        keys[n++] = key;
    }
    if (!keys) return PyErr_NoMemory();
    PyObject *out = PyList_New(0);
    int pr = 0, pc = 0, pph = 0;
    for (int32_t i = n - 1; out && i >= 0; i--) {
        int cell = keys[i] / s->phases, ph = keys[i] % s->phases, r = cell / s->w, c = cell % s->w;
        if (i < n - 1 && pph && c != pc) {                  /* steered along the row, then moved on */
            int step = c > pc ? 1 : -1, last = r != pr ? c : c - step;
            for (int cc = pc + step; cc != last + step; cc += step)
                if (append_state(out, pr, cc, pph, cells, s->w, &prev)) { Py_CLEAR(out); break; }
        }
        if (out && append_state(out, r, c, ph, cells, s->w, &prev)) Py_CLEAR(out);
        pr = r; pc = c; pph = ph;
    }
    free(keys);
    return out;
}

static int by_key(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* drop(edge): forget the states whose moves reach column `edge` or further (their tiles changed)
 * and search on from their parents and the states of the columns just behind `edge` */
static PyObject *core_drop(Core *s, PyObject *args) {
    int edge;
    if (!PyArg_ParseTuple(args, "i", &edge)) return NULL;
    int32_t n = 0, cap = 1024, *keys = malloc(sizeof(int32_t) * cap);
    int hi = s->far + s->margin + 1 < s->w ? s->far + s->margin + 1 : s->w;
    for (int t = edge; t < hi && keys; t++) {
        for (int32_t key = s->head[t]; key != -1;) {
            Entry *e = find(s, key);
            if (n == cap) { int32_t *k = realloc(keys, sizeof(int32_t) * (cap *= 2)); if (!k) { free(keys); keys = NULL; break; } keys = k; }
            keys[n++] = e->parent;
            e->parent = UNSEEN; e->order = 0;
            key = e->next;
        }
        s->head[t] = -1;
    }
    int lo = edge - s->margin - (s->lookback > 0 ? s->lookback : 0);
    for (int t = lo > 0 ? lo : 0; t < edge && keys; t++)
        for (int32_t key = s->head[t]; key != -1; key = find(s, key)->next) {
            if (n == cap) { int32_t *k = realloc(keys, sizeof(int32_t) * (cap *= 2)); if (!k) { free(keys); keys = NULL; break; } keys = k; }
            keys[n++] = key;
        }
    if (!keys) return PyErr_NoMemory();
    qsort(keys, (size_t)n, sizeof(int32_t), by_key);
    for (int32_t i = 0; i < n; i++) {
        if (keys[i] < 0 || (i && keys[i] == keys[i - 1])) continue;
        Entry *e = seen(s, keys[i]);
        if (!e) continue;
        if (heap_push(s, keys[i] / s->phases % s->w, keys[i])) { free(keys); return PyErr_NoMemory(); }
        e->order = s->order;
    }
    free(keys);
    s->far = 0;
    for (int t = edge - 1; t >= 0; t--)
        if (s->head[t] != -1) { s->far = t; break; }
    Py_RETURN_NONE;
}

/* moves(r, c, phase) -> [(r, c, phase)]: the states one move leads to (for the tests) */
static PyObject *core_moves(Core *s, PyObject *args) {
    int r, c, phase;
    if (!PyArg_ParseTuple(args, "iii", &r, &c, &phase)) return NULL;
    if (r < 0 || r >= s->h || c < 0 || c >= s->w || phase < 0 || phase >= s->phases)
        return PyErr_Format(PyExc_IndexError, "state (%d, %d, %d) outside the level", r, c, phase);
    Move out[80];
    int n = moves(s, r, c, phase, out);
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++)
        PyList_SET_ITEM(list, i, Py_BuildValue("iii", out[i].r, out[i].c, out[i].phase));
    return list;
}

static PyObject *core_get_far(Core *s, void *unused) { return PyLong_FromLong(s->far); }

static PyMethodDef core_methods[] = {
    {"set_tiles", (PyCFunction)core_set_tiles, METH_VARARGS, "columns [start, end) of the clear and foot arrays (the codes follow)"},
    {"start", (PyCFunction)core_start, METH_NOARGS, "an empty search from column 0's lowest standing cell"},
    {"run", (PyCFunction)core_run, METH_VARARGS, "run(goal) -> (status, key)"},
    {"path", (PyCFunction)core_path, METH_VARARGS, "path(key, cells=False) -> the states (or cells) from the start to key"},
    {"drop", (PyCFunction)core_drop, METH_VARARGS, "drop(edge): forget the states reaching edge"},
    {"moves", (PyCFunction)core_moves, METH_VARARGS, "moves(r, c, phase) -> [(r, c, phase)]"},
    {NULL}
};

static PyGetSetDef core_getset[] = {
    {"far", (getter)core_get_far, NULL, "the furthest column reached", NULL},
    {NULL}
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "worldsmith.levels.agents._smbcore.Core",
    .tp_basicsize = sizeof(Core),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The state search of worldsmith.levels.agents.smb.SmbSearch.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)core_init,
    .tp_dealloc = (destructor)core_dealloc,
    .tp_methods = core_methods,
    .tp_getset = core_getset,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_smbcore", "SmbSearch's state search in C.", -1, NULL};

PyMODINIT_FUNC PyInit__smbcore(void) {
    if (PyType_Ready(&CoreType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&CoreType);
    if (PyModule_AddObject(m, "Core", (PyObject *)&CoreType) < 0) { Py_DECREF(&CoreType); Py_DECREF(m); return NULL; }
    return m;
}
