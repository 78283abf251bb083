/* The Lode Runner and Zelda agents' move graphs and their searches, in C
 * (worldsmith.levels.agents.graph holds the documentation and the Python face).
 *
 * A cell is r * w + c. A graph is CSR: the moves of cell i are targets[offsets[i]:offsets[i + 1]],
 * in the order the agent's rules list them (the order its breadth-first search visits them), so
 * the searches here find the cells, parents and paths of a Python breadth-first search over the
 * same moves: a FIFO queue, each cell's parent the first cell that reaches it.
 *
 * - loderunner(tiles, solid, ladder, rope, brick, offsets, targets) -> edges
 * - zelda(tiles, walk, water, ladder, offsets, targets) -> edges
 * - reach(offsets, targets, start, parent): parent[i] the cell that first reached i (start: itself,
 *   -1: not reached), returns how many cells were reached
 * - tour(offsets, targets, start, goals, two_way) -> [cells] or None: every goal in turn, the
 *   nearest (breadth-first order) from which every goal left stays in reach
 *
 * - chains(parts_from, parts_to, weight, value, next): over the DAG of a graph's strongly
 *   connected parts (the moves between parts, as the parts they join), each part's heaviest chain
 *   onward: value[p] = weight[p] + the largest value among p's next parts (0 if none), next[p]
 *   that part (the highest-numbered of equal values; -1 if none)
 *
 * The searches run without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../_tiles_arg.h"

#define LR_MOST 6       /* moves of one Lode Runner cell at most: 2 sides x (walk, dig) + up + down */
#define ZELDA_MOST 4

/* A writable (or read-only) C-contiguous int32 buffer of at least `least` entries. */
static int int32_arg(PyObject *obj, Py_buffer *b, int writable, Py_ssize_t least, const char *name, const char *what) {
    if (PyObject_GetBuffer(obj, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) < 0) return -1;
    if (b->itemsize != 4 || b->format == NULL || (b->format[0] != 'i' && b->format[0] != 'l') || b->format[1]
            || b->len / 4 < least) {
        PyErr_Format(PyExc_ValueError, "%s: expected %s (int32, at least %zd entries)", name, what, least);
        PyBuffer_Release(b);
        return -1;
    }
    return 0;
}

/* The tiles and output arrays of a graph builder; on success the caller releases all three. */
static int builder_args(PyObject *tobj, PyObject *oobj, PyObject *gobj, Py_ssize_t size, int most, const char *name,
                        Py_buffer *tb, Py_buffer *ob, Py_buffer *gb) {
    if (tiles_arg(tobj, tb, 0, size, name) < 0) return -1;
    Py_ssize_t n = tb->shape[0] * tb->shape[1];
    if (int32_arg(oobj, ob, 1, n + 1, name, "offsets, one per cell and one more") < 0) { PyBuffer_Release(tb); return -1; }
    if (int32_arg(gobj, gb, 1, n * most, name, "targets, room for every move") < 0) {
        PyBuffer_Release(tb); PyBuffer_Release(ob);
        return -1;
    }
    return 0;
}

static PyObject *loderunner(PyObject *self, PyObject *args) {
    PyObject *tobj, *oobj, *gobj;
    Py_buffer sb, tb, ob, gb;
    int ladder, rope, brick;
    if (!PyArg_ParseTuple(args, "Oy*iiiOO", &tobj, &sb, &ladder, &rope, &brick, &oobj, &gobj)) return NULL;
    if (builder_args(tobj, oobj, gobj, sb.len, LR_MOST, "loderunner", &tb, &ob, &gb) < 0) { PyBuffer_Release(&sb); return NULL; }
    const uint8_t *t = tb.buf, *solid = sb.buf;
    int32_t *off = ob.buf, *tgt = gb.buf, e = 0;
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
#define HELD(i) (t[i] == ladder || t[i] == rope)
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < h; r++)
        for (Py_ssize_t c = 0; c < w; c++) {
            Py_ssize_t i = r * w + c;
            off[i] = e;
            int below = r + 1 < h && (solid[t[i + w]] || t[i + w] == ladder);
            if (!(HELD(i) || below || r == h - 1)) { tgt[e++] = (int32_t)(i + w); continue; }  /* falling */
            int in_hole = t[i] == brick;
            for (int dc = -1; dc <= 1; dc += 2) {
                if (c + dc < 0 || c + dc >= w) continue;
                Py_ssize_t j = i + dc;
                if (!solid[t[j]]) tgt[e++] = (int32_t)j;
                int dug = in_hole && r > 0 && t[j] == brick && !solid[t[j - w]] && !HELD(j - w);  /* dug from above */
                if ((!solid[t[j]] || dug) && !HELD(j) && r + 1 < h && t[j + w] == brick)
                    tgt[e++] = (int32_t)(j + w);  /* dig the brick below-beside and drop into the hole */
            }
            if (t[i] == ladder && r > 0 && !solid[t[i - w]]) tgt[e++] = (int32_t)(i - w);
            if (r + 1 < h && !solid[t[i + w]]) tgt[e++] = (int32_t)(i + w);
        }
    off[h * w] = e;
    Py_END_ALLOW_THREADS
#undef HELD
    PyBuffer_Release(&sb); PyBuffer_Release(&tb); PyBuffer_Release(&ob); PyBuffer_Release(&gb);
    return PyLong_FromLong(e);
}

static PyObject *zelda(PyObject *self, PyObject *args) {
    PyObject *tobj, *oobj, *gobj;
    Py_buffer wb, tb, ob, gb;
    int water, ladder;
    static const int steps[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    if (!PyArg_ParseTuple(args, "Oy*ipOO", &tobj, &wb, &water, &ladder, &oobj, &gobj)) return NULL;
    if (builder_args(tobj, oobj, gobj, wb.len, ZELDA_MOST, "zelda", &tb, &ob, &gb) < 0) { PyBuffer_Release(&wb); return NULL; }
    const uint8_t *t = tb.buf, *walk = wb.buf;
    int32_t *off = ob.buf, *tgt = gb.buf, e = 0;
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < h; r++)
        for (Py_ssize_t c = 0; c < w; c++) {
            off[r * w + c] = e;
            for (int k = 0; k < 4; k++) {
                Py_ssize_t r2 = r + steps[k][0], c2 = c + steps[k][1], r3 = r2 + steps[k][0], c3 = c2 + steps[k][1];
                if (r2 < 0 || r2 >= h || c2 < 0 || c2 >= w) continue;
                if (walk[t[r2 * w + c2]]) tgt[e++] = (int32_t)(r2 * w + c2);
                else if (ladder && t[r2 * w + c2] == water && r3 >= 0 && r3 < h && c3 >= 0 && c3 < w && walk[t[r3 * w + c3]])
                    tgt[e++] = (int32_t)(r3 * w + c3);  /* the stepladder spans the water tile */
            }
        }
    off[h * w] = e;
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&wb); PyBuffer_Release(&tb); PyBuffer_Release(&ob); PyBuffer_Release(&gb);
    return PyLong_FromLong(e);
}

typedef struct { const int32_t *off, *tgt; int32_t n; } Graph;

/* The graph's buffers, checked: offsets rising from 0, every target a cell. */
static int graph_args(PyObject *oobj, PyObject *gobj, Py_buffer *ob, Py_buffer *gb, Graph *g, const char *name) {
    if (int32_arg(oobj, ob, 0, 1, name, "offsets") < 0) return -1;
    Py_ssize_t n = ob->len / 4 - 1;
    if (int32_arg(gobj, gb, 0, 0, name, "targets") < 0) { PyBuffer_Release(ob); return -1; }
    const int32_t *off = ob->buf, *tgt = gb->buf;
    int ok = n < INT32_MAX && off[0] == 0 && off[n] <= gb->len / 4;
    for (Py_ssize_t i = 0; ok && i < n; i++) ok = off[i] <= off[i + 1];
    for (Py_ssize_t e = 0; ok && e < off[n]; e++) ok = tgt[e] >= 0 && tgt[e] < n;
    if (!ok) {
        PyErr_Format(PyExc_ValueError, "%s: expected a graph (offsets rising from 0, targets below %zd)", name, n);
        PyBuffer_Release(ob); PyBuffer_Release(gb);
        return -1;
    }
    g->off = off; g->tgt = tgt; g->n = (int32_t)n;
    return 0;
}

/* Breadth-first from s: parent[] (every entry -1 before) and order[] (the cells in the order
 * reached); returns how many. */
static int32_t bfs(const Graph *g, int32_t s, int32_t *parent, int32_t *order) {
    int32_t head = 0, tail = 0;
    parent[s] = s;
    order[tail++] = s;
    while (head < tail) {
        int32_t cell = order[head++];
        for (int32_t e = g->off[cell]; e < g->off[cell + 1]; e++) {
            int32_t next = g->tgt[e];
            if (parent[next] < 0) { parent[next] = cell; order[tail++] = next; }
        }
    }
    return tail;
}

static PyObject *reach(PyObject *self, PyObject *args) {
    PyObject *oobj, *gobj, *pobj;
    Py_ssize_t start;
    Py_buffer ob, gb, pb;
    Graph g;
    if (!PyArg_ParseTuple(args, "OOnO", &oobj, &gobj, &start, &pobj)) return NULL;
    if (graph_args(oobj, gobj, &ob, &gb, &g, "reach") < 0) return NULL;
    PyObject *result = NULL;
    int32_t *order = NULL;
    if (int32_arg(pobj, &pb, 1, g.n, "reach", "parents, one per cell") < 0) goto args;
    if (start < 0 || start >= g.n) {
        PyErr_Format(PyExc_ValueError, "reach: expected a start cell below %d, got %zd", g.n, start);
        goto done;
    }
    if (!(order = malloc((size_t)g.n * sizeof *order))) { PyErr_NoMemory(); goto done; }
    int32_t count;
    Py_BEGIN_ALLOW_THREADS
    memset(pb.buf, 0xff, (size_t)g.n * sizeof(int32_t));
    count = bfs(&g, (int32_t)start, pb.buf, order);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLong(count);
done:
    free(order);
    PyBuffer_Release(&pb);
args:
    PyBuffer_Release(&ob); PyBuffer_Release(&gb);
    return result;
}

/* One cell's search, made at most once a tour (moves do not change). */
typedef struct { int32_t *parent, *order, count; } Search;

static Search *searched(const Graph *g, Search *cache, int32_t cell) {
    Search *s = &cache[cell];
    if (!s->parent) {
        s->parent = malloc((size_t)g->n * sizeof(int32_t));
        s->order = malloc((size_t)g->n * sizeof(int32_t));
        if (!s->parent || !s->order) return NULL;
        memset(s->parent, 0xff, (size_t)g->n * sizeof(int32_t));
        s->count = bfs(g, cell, s->parent, s->order);
    }
    return s;
}

/* The tour's cells into path (room for every goal's trail: goals x n), or -1 when no goal order
 * is found greedily, -2 when out of memory. */
static Py_ssize_t walk_tour(const Graph *g, Search *cache, int32_t start, const int32_t *goals, Py_ssize_t ngoals,
                            int two_way, uint8_t *left, int32_t *path) {
    Py_ssize_t nleft = 0, len = 0;
    for (Py_ssize_t k = 0; k < ngoals; k++)
        if (goals[k] != start && !left[goals[k]]) { left[goals[k]] = 1; nleft++; }
    int32_t here = start;
    path[len++] = start;
    while (nleft) {
        Search *s = searched(g, cache, here);
        if (!s) return -2;
        int32_t goal = -1;
        for (int32_t i = 0; i < s->count && goal < 0; i++) {        /* breadth-first order: nearest first */
            int32_t cell = s->order[i];
            if (!left[cell]) continue;
            if (two_way) { goal = cell; break; }
            Search *from = searched(g, cache, cell);
            if (!from) return -2;
            int keeps = 1;                                        /* every goal left stays in reach */
            for (Py_ssize_t k = 0; k < ngoals && keeps; k++)
                keeps = !left[goals[k]] || goals[k] == cell || from->parent[goals[k]] >= 0;
            if (keeps) goal = cell;
        }
        if (goal < 0) return -1;
        Py_ssize_t from = len;
        for (int32_t cell = goal; cell != here; cell = s->parent[cell]) path[len++] = cell;
        for (Py_ssize_t a = from, b = len - 1; a < b; a++, b--) { int32_t x = path[a]; path[a] = path[b]; path[b] = x; }
        here = goal;
        left[goal] = 0;
        nleft--;
    }
    return len;
}

static PyObject *tour(PyObject *self, PyObject *args) {
    PyObject *oobj, *gobj, *kobj;
    Py_ssize_t start;
    int two_way;
    Py_buffer ob, gb, kb;
    Graph g;
    if (!PyArg_ParseTuple(args, "OOnOp", &oobj, &gobj, &start, &kobj, &two_way)) return NULL;
    if (graph_args(oobj, gobj, &ob, &gb, &g, "tour") < 0) return NULL;
    PyObject *result = NULL;
    Search *cache = NULL;
    uint8_t *left = NULL;
    int32_t *path = NULL;
    if (int32_arg(kobj, &kb, 0, 0, "tour", "goal cells") < 0) goto args;
    const int32_t *goals = kb.buf;
    Py_ssize_t ngoals = kb.len / 4, len;
    int ok = start >= 0 && start < g.n;
    for (Py_ssize_t k = 0; ok && k < ngoals; k++) ok = goals[k] >= 0 && goals[k] < g.n;
    if (!ok) {
        PyErr_Format(PyExc_ValueError, "tour: expected start and goal cells below %d", g.n);
        goto done;
    }
    cache = calloc((size_t)g.n, sizeof *cache);
    left = calloc((size_t)g.n, 1);
    path = malloc(((size_t)ngoals * g.n + 1) * sizeof *path);
    if (!cache || !left || !path) { PyErr_NoMemory(); goto done; }
    Py_BEGIN_ALLOW_THREADS
    len = walk_tour(&g, cache, (int32_t)start, goals, ngoals, two_way, left, path);
    Py_END_ALLOW_THREADS
    if (len == -2) { PyErr_NoMemory(); goto done; }
    if (len == -1) { result = Py_None; Py_INCREF(result); goto done; }
    if (!(result = PyList_New(len))) goto done;
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *cell = PyLong_FromLong(path[i]);
        if (!cell) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, i, cell);
    }
done:
    if (cache)
        for (int32_t i = 0; i < g.n; i++) { free(cache[i].parent); free(cache[i].order); }
    free(cache); free(left); free(path);
    PyBuffer_Release(&kb);
args:
    PyBuffer_Release(&ob); PyBuffer_Release(&gb);
    return result;
}

/* value and next of every part (see the top); `stack` has room for every part and every edge. */
static void chain_values(Py_ssize_t nparts, const int32_t *off, const int32_t *succ, const double *weight,
                         double *value, int32_t *next, uint8_t *state, int32_t *stack) {
    for (Py_ssize_t p = 0; p < nparts; p++) {
        Py_ssize_t top = 0;
        stack[top++] = (int32_t)p;
        while (top) {                                    /* depth first: a part after all its next parts */
            int32_t q = stack[top - 1];
            if (state[q] == 2) { top--; continue; }
            if (state[q] == 0) {
                state[q] = 1;
                for (int32_t e = off[q]; e < off[q + 1]; e++)
                    if (!state[succ[e]]) stack[top++] = succ[e];
                continue;
            }
            double best = 0.0;
            int32_t at = -1;
            for (int32_t e = off[q]; e < off[q + 1]; e++) {
                int32_t n = succ[e];
                if (at < 0 || value[n] > best || (value[n] == best && n > at)) { best = value[n]; at = n; }
            }
            value[q] = weight[q] + best;
            next[q] = at;
            state[q] = 2;
            top--;
        }
    }
}

static PyObject *chains(PyObject *self, PyObject *args) {
    PyObject *aobj, *bobj, *wobj, *vobj, *nobj;
    Py_buffer ab, bb, wb, vb, nb;
    if (!PyArg_ParseTuple(args, "OOOOO", &aobj, &bobj, &wobj, &vobj, &nobj)) return NULL;
    if (PyObject_GetBuffer(wobj, &wb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    PyObject *result = NULL;
    int32_t *off = NULL, *succ = NULL, *stack = NULL, *fill = NULL;
    uint8_t *state = NULL;
    Py_ssize_t nparts = wb.len / 8;
    if (wb.itemsize != 8 || wb.format == NULL || wb.format[0] != 'd' || wb.format[1] || nparts >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "chains: expected float64 weights, one per part");
        PyBuffer_Release(&wb);
        return NULL;
    }
    if (int32_arg(aobj, &ab, 0, 0, "chains", "the parts each move leaves") < 0) goto w;
    if (int32_arg(bobj, &bb, 0, ab.len / 4, "chains", "the parts each move enters") < 0) goto a;
    if (PyObject_GetBuffer(vobj, &vb, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) goto b;
    if (vb.itemsize != 8 || vb.format == NULL || vb.format[0] != 'd' || vb.format[1] || vb.len / 8 < nparts) {
        PyErr_SetString(PyExc_ValueError, "chains: expected float64 values, one per part");
        goto v;
    }
    if (int32_arg(nobj, &nb, 1, nparts, "chains", "next parts, one per part") < 0) goto v;
    const int32_t *from = ab.buf, *to = bb.buf;
    Py_ssize_t nedges = ab.len / 4;
    for (Py_ssize_t e = 0; e < nedges; e++)
        if (from[e] < 0 || from[e] >= nparts || to[e] < 0 || to[e] >= nparts) {
            PyErr_Format(PyExc_ValueError, "chains: expected parts below %zd", nparts);
            goto n;
        }
    off = calloc((size_t)nparts + 1, sizeof *off);
    fill = calloc((size_t)nparts + 1, sizeof *fill);
    succ = malloc(((size_t)nedges + 1) * sizeof *succ);
    stack = malloc(((size_t)nedges + nparts + 1) * sizeof *stack);
    state = calloc((size_t)nparts + 1, 1);
    if (!off || !fill || !succ || !stack || !state) { PyErr_NoMemory(); goto n; }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t e = 0; e < nedges; e++)
        if (from[e] != to[e]) off[from[e] + 1]++;
    for (Py_ssize_t p = 0; p < nparts; p++) { off[p + 1] += off[p]; fill[p] = off[p]; }
    for (Py_ssize_t e = 0; e < nedges; e++)
        if (from[e] != to[e]) succ[fill[from[e]]++] = to[e];
    chain_values(nparts, off, succ, wb.buf, vb.buf, nb.buf, state, stack);
    Py_END_ALLOW_THREADS
    result = Py_None; Py_INCREF(result);
n:
    free(off); free(fill); free(succ); free(stack); free(state);
    PyBuffer_Release(&nb);
v:
    PyBuffer_Release(&vb);
b:
    PyBuffer_Release(&bb);
a:
    PyBuffer_Release(&ab);
w:
    PyBuffer_Release(&wb);
    return result;
}

static PyMethodDef methods[] = {
    {"chains", chains, METH_VARARGS, "chains(parts_from, parts_to, weight, value, next): each part's heaviest chain onward"},
    {"loderunner", loderunner, METH_VARARGS, "loderunner(tiles, solid, ladder, rope, brick, offsets, targets) -> edges"},
    {"zelda", zelda, METH_VARARGS, "zelda(tiles, walk, water, ladder, offsets, targets) -> edges"},
    {"reach", reach, METH_VARARGS, "reach(offsets, targets, start, parent) -> cells reached; parent filled (-1: not reached)"},
    {"tour", tour, METH_VARARGS, "tour(offsets, targets, start, goals, two_way) -> [cells] through every goal, or None"},
    {NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_gridgraph", "Grid move graphs and their searches.", -1, methods};

PyMODINIT_FUNC PyInit__gridgraph(void) { return PyModule_Create(&module); }
