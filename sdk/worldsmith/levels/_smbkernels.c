/* SMB generation kernels, the same results as the numpy code they replace, bit for bit:
 *
 * - walk: the windows' latents as a first-order autoregressive walk
 *   (worldsmith.levels.generator.SMBGenerator._latents): z[i] = a * z[i - 1] + b * z[i], each
 *   product and the sum rounded to float32 as numpy's, row after row;
 * - blend: the argmax of overlapping window probabilities blended with triangular weights
 *   (worldsmith.levels.generator.stitch): window by window, each adding its float32 product
 *   p * ramp to the sums (no fused multiply-add: setup.py builds with -ffp-contract=off), each
 *   sum divided by the summed weights, the first largest channel;
 * - stand: one kind of structure (pipes, cannons) made whole and standing
 *   (worldsmith.levels.repair.smb_structures), in place;
 * - enemies: floating enemies dropped or removed (worldsmith.levels.placement.smb_enemies);
 * - climbs: the rises in the ground with loose tiles over them that the A* route checks
 *   (worldsmith.levels.agents.smb_route._climbs);
 * - footholds: the cells the A* route stands in (worldsmith.levels.agents.smb_route.footholds);
 * - walls: the walls too high for the A* route (worldsmith.levels.agents.smb_route.wall_columns).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

#include "_tiles_arg.h"

/* walk(z, a, b): z float32 (k, d), C order, changed in place. */
static PyObject *walk(PyObject *self, PyObject *args) {
    PyObject *zobj;
    float a, b;
    if (!PyArg_ParseTuple(args, "Off", &zobj, &a, &b)) return NULL;
    Py_buffer zb;
    if (PyObject_GetBuffer(zobj, &zb, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0) return NULL;
    if (zb.ndim != 2 || zb.itemsize != 4 || zb.format == NULL || zb.format[0] != 'f' || zb.format[1]) {
        PyBuffer_Release(&zb);
        PyErr_SetString(PyExc_ValueError, "walk: expected float32 latents (k, d)");
        return NULL;
    }
    float *z = zb.buf;
    Py_ssize_t k = zb.shape[0], d = zb.shape[1];
    for (Py_ssize_t i = 1; i < k; i++)
        for (Py_ssize_t j = 0; j < d; j++) {
            float kept = a * z[(i - 1) * d + j], fresh = b * z[i * d + j];
            z[i * d + j] = kept + fresh;
        }
    PyBuffer_Release(&zb);
    Py_RETURN_NONE;
}

/* blend(probs, out, width, lo, hi, overlap): probs float32 (n, c, h, w), C order; out uint8
 * (h, hi - lo), C order: the tiles of columns [lo, hi) of a level ``width`` columns wide. Window
 * by window, as numpy added them: each element's sum in the same order, the inner loops along
 * the columns (vectorised by the compiler). */
static PyObject *blend(PyObject *self, PyObject *args) {
    PyObject *pobj, *oobj;
    int width, lo, hi, overlap;
    if (!PyArg_ParseTuple(args, "OOiiii", &pobj, &oobj, &width, &lo, &hi, &overlap)) return NULL;
    Py_buffer pb, ob;
    if (PyObject_GetBuffer(pobj, &pb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(oobj, &ob, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) { PyBuffer_Release(&pb); return NULL; }
    PyObject *result = NULL;
    if (pb.ndim != 4 || pb.itemsize != 4 || pb.format == NULL || pb.format[0] != 'f' || pb.format[1]) {
        PyErr_SetString(PyExc_ValueError, "blend: expected float32 probabilities (n, c, h, w)");
        goto done;
    }
    Py_ssize_t n = pb.shape[0], c = pb.shape[1], h = pb.shape[2], w = pb.shape[3], stride = w - overlap;
    Py_ssize_t span = hi - lo;
    if (stride < 1 || lo < 0 || hi <= lo || hi > width || ob.len != h * span || c < 1 || (n - 1) * stride + w < hi) {
        PyErr_SetString(PyExc_ValueError, "blend: expected windows covering columns [lo, hi) and a (h, hi - lo) uint8 output");
        goto done;
    }
    float *acc = calloc((size_t)(c * h * span), sizeof(float)), *weight = calloc((size_t)span, sizeof(float));
    float *ramp = malloc(sizeof(float) * (size_t)w), *top = malloc(sizeof(float) * (size_t)span);
    if (!acc || !weight || !ramp || !top) { PyErr_NoMemory(); goto freed; }
    for (Py_ssize_t o = 0; o < w; o++) {
        Py_ssize_t up = o + 1 < w - o ? o + 1 : w - o;
        ramp[o] = (float)(up < overlap + 1 ? up : overlap + 1);
    }
    const float *p = pb.buf;
    Py_ssize_t first = lo < w ? 0 : (lo - w) / stride + 1, last = (hi - 1) / stride;   /* windows over [lo, hi) */
    for (Py_ssize_t i = first; i <= last && i < n; i++) {
        Py_ssize_t a = i * stride > lo ? i * stride : lo, b = i * stride + w < hi ? i * stride + w : hi;
        const float *r0 = ramp + (a - i * stride);
        for (Py_ssize_t k = 0; k < c * h; k++) {                            /* (channel, row) */
            const float *src = p + (i * c * h + k) * w + (a - i * stride);
            float *dst = acc + k * span + (a - lo);
            for (Py_ssize_t x = 0; x < b - a; x++) dst[x] = dst[x] + src[x] * r0[x];
        }
        for (Py_ssize_t x = 0; x < b - a; x++) weight[a - lo + x] = weight[a - lo + x] + r0[x];
    }
    uint8_t *out = ob.buf;
    for (Py_ssize_t r = 0; r < h; r++) {
        uint8_t *best = out + r * span;
        const float *a0 = acc + r * span;
        for (Py_ssize_t x = 0; x < span; x++) { top[x] = a0[x] / weight[x]; best[x] = 0; }
        for (Py_ssize_t k = 1; k < c; k++) {                                 /* the first largest channel */
            const float *ak = acc + (k * h + r) * span;
            for (Py_ssize_t x = 0; x < span; x++) {
                float v = ak[x] / weight[x];
                if (v > top[x]) { top[x] = v; best[x] = (uint8_t)k; }
            }
        }
    }
    result = Py_None; Py_INCREF(result);
freed:
    free(acc); free(weight); free(ramp); free(top);
done:
    PyBuffer_Release(&pb); PyBuffer_Release(&ob);
    return result;
}

/* height[x]: the cells of column x, solid by `table` (by id; NULL: the cells are the solid mask),
 * rising from the bottom row of (h, w) cells `t` - the column's ground. */
static void ground_heights(const uint8_t *t, Py_ssize_t h, Py_ssize_t w, const uint8_t *table, int *height) {
    for (Py_ssize_t x = 0; x < w; x++) {
        height[x] = 0;
        while (height[x] < h) {
            uint8_t cell = t[(h - 1 - height[x]) * w + x];
            if (!(table ? table[cell] : cell)) break;
            height[x]++;
        }
    }
}

/* Write one structure into columns [c, c + width): top[j] at row ``top``, body[j] below it down
 * to the first row solid under every column (or the bottom row). */
static void put(uint8_t *t, Py_ssize_t h, Py_ssize_t w, Py_ssize_t c, int width, Py_ssize_t top,
                const uint8_t *top_ids, const uint8_t *body_ids, const uint8_t *solid) {
    for (int j = 0; j < width; j++) t[top * w + c + j] = top_ids[j];
    Py_ssize_t stop = h;
    for (Py_ssize_t r = top + 1; r < h && stop == h; r++) {
        int all = 1;
        for (int j = 0; j < width && all; j++) all = solid[t[r * w + c + j]];
        if (all) stop = r;
    }
    for (Py_ssize_t r = top + 1; r < stop; r++)
        for (int j = 0; j < width; j++) t[r * w + c + j] = body_ids[j];
}

/* stand(tiles, member, top_ids, body_ids, pipe, solid, empty): tiles uint8 (h, w) as a
 * (h, w) array, changed in place; member, pipe, solid: one byte per tile id (nonzero: a tile of
 * the structure, a pipe tile, solid); top_ids, body_ids: one id per column of the structure. */
static PyObject *stand(PyObject *self, PyObject *args) {
    PyObject *tobj;
    Py_buffer member, top_ids, body_ids, pipe, solid;
    int empty;
    if (!PyArg_ParseTuple(args, "Oy*y*y*y*y*i", &tobj, &member, &top_ids, &body_ids, &pipe, &solid, &empty))
        return NULL;
    Py_buffer tb;
    PyObject *result = NULL;
    uint8_t *mask = NULL;
    char *busy = NULL;
    Py_ssize_t size = member.len, width = top_ids.len;
    if (tiles_arg(tobj, &tb, 1, size, "stand") < 0) goto args;
    if (width < 1 || body_ids.len != width || pipe.len != size || solid.len != size || empty < 0
            || empty >= size || tb.shape[1] < width) {
        PyErr_SetString(PyExc_ValueError, "stand: expected tiles at least the structure's width and one table entry per tile id");
        goto done;
    }
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
    uint8_t *t = tb.buf;
    const uint8_t *is_member = member.buf, *is_pipe = pipe.buf, *is_solid = solid.buf;
    mask = malloc((size_t)(h * w)); busy = calloc((size_t)w, 1);
    if (!mask || !busy) { PyErr_NoMemory(); goto done; }
    int any = 0;
    for (Py_ssize_t i = 0; i < h * w; i++) {
        mask[i] = is_member[t[i]] != 0;
        if (mask[i]) { t[i] = (uint8_t)empty; busy[i % w] = 1; any = 1; }
    }
    for (Py_ssize_t start = 0; any && start < w; ) {                        /* each run of busy columns */
        if (!busy[start]) { start++; continue; }
        Py_ssize_t stop = start;
        while (stop < w && busy[stop]) stop++;
        for (Py_ssize_t c0 = start; c0 < stop; c0 += width) {
            Py_ssize_t c = c0 < w - width ? c0 : w - width;
            int cut = 0;                                                   /* a cannon may not cut through a pipe */
            for (Py_ssize_t r = 0; width == 1 && r < h && !cut; r++) cut = is_pipe[t[r * w + c]];
            if (cut) continue;
            Py_ssize_t top = h;                                            /* the highest row of the structure */
            for (Py_ssize_t r = 0; r < h && top == h; r++)
                for (Py_ssize_t j = 0; j < width; j++)
                    if (mask[r * w + c + j]) top = r;
            put(t, h, w, c, (int)width, top == h ? 0 : top, top_ids.buf, body_ids.buf, is_solid);
        }
        start = stop;
    }
    result = Py_None; Py_INCREF(result);
done:
    free(mask); free(busy);
    PyBuffer_Release(&tb);
args:
    PyBuffer_Release(&member); PyBuffer_Release(&top_ids); PyBuffer_Release(&body_ids);
    PyBuffer_Release(&pipe); PyBuffer_Release(&solid);
    return result;
}

/* enemies(tiles, solid, empty, enemy, hover): tiles uint8 (h, w), changed in place; solid: one
 * byte per tile id. Each enemy of the tiles as given, row by row: kept if a solid tile lies at
 * most ``hover`` rows below it, else removed and, if a solid tile lies below at all, dropped
 * onto it (when the cell over that tile is sky; else removed). */
static PyObject *enemies(PyObject *self, PyObject *args) {
    PyObject *tobj;
    Py_buffer solid;
    int empty, enemy, hover;
    if (!PyArg_ParseTuple(args, "Oy*iii", &tobj, &solid, &empty, &enemy, &hover)) return NULL;
    Py_buffer tb;
    PyObject *result = NULL;
    uint8_t *was = NULL;
    Py_ssize_t size = solid.len;
    if (tiles_arg(tobj, &tb, 1, size, "enemies") < 0) goto args;
    if (empty < 0 || empty >= size || enemy < 0 || enemy >= size) {
        PyErr_SetString(PyExc_ValueError, "enemies: expected the empty and enemy ids in the tile table");
        goto done;
    }
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
    uint8_t *t = tb.buf;
    const uint8_t *is_solid = solid.buf;
    if (!(was = malloc((size_t)(h * w) + 1))) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < h * w; i++) was[i] = t[i] == enemy;       /* the enemies as given */
    for (Py_ssize_t r = 0; r < h; r++)
        for (Py_ssize_t c = 0; c < w; c++) {
            if (!was[r * w + c]) continue;
            Py_ssize_t floor = r + 1;                                      /* the first solid row below */
            while (floor < h && !is_solid[t[floor * w + c]]) floor++;
            if (floor < h && floor - r - 1 <= hover) continue;
            t[r * w + c] = (uint8_t)empty;
            if (floor < h && t[(floor - 1) * w + c] == empty) t[(floor - 1) * w + c] = (uint8_t)enemy;
        }
    result = Py_None; Py_INCREF(result);
done:
    free(was);
    PyBuffer_Release(&tb);
args:
    PyBuffer_Release(&solid);
    return result;
}

/* climbs(tiles, solid, gap_max, climb, take_off) -> [(c, a, nxt, top, bottom)]: tiles uint8
 * (h, w); solid: one byte per tile id. Ground: the solid tiles of a column rising from the
 * bottom row; loose: the other solid tiles. Per ground column c and the next one nxt (at most
 * gap_max columns of pit between) that rises 2 to `climb` tiles above it, with nxt + 2 <= w:
 * a, the first ground column of the take_off columns up to c; the box of rows [top, bottom)
 * from 3 over the rise's top to the lowest take-off ground, columns [a, nxt] - listed where
 * that box holds a loose tile. */
static PyObject *climbs(PyObject *self, PyObject *args) {
    PyObject *tobj;
    Py_buffer solid;
    int gap_max, climb, take_off;
    if (!PyArg_ParseTuple(args, "Oy*iii", &tobj, &solid, &gap_max, &climb, &take_off)) return NULL;
    Py_buffer tb;
    PyObject *result = NULL;
    int *height = NULL;
    if (tiles_arg(tobj, &tb, 0, solid.len, "climbs") < 0) goto args;
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
    const uint8_t *t = tb.buf, *is_solid = solid.buf;
    if (!(height = calloc((size_t)w + 1, sizeof(int)))) { PyErr_NoMemory(); goto done; }
    ground_heights(t, h, w, is_solid, height);
    if (!(result = PyList_New(0))) goto done;
    for (Py_ssize_t c = 0, nxt; c < w; c = nxt) {
        for (nxt = c + 1; nxt < w && !height[nxt]; nxt++) {}
        if (!height[c]) continue;                                          /* before the first ground column */
        if (nxt >= w) break;
        int rise = height[nxt] - height[c];
        if (nxt - c - 1 > gap_max || rise < 2 || rise > climb || nxt + 2 > w) continue;
        Py_ssize_t a = c;
        int low = height[c];
        for (int k = 1; k < take_off; k++)
            if (c - k >= 0 && height[c - k] > 0) {
                a = c - k;
                if (height[c - k] < low) low = height[c - k];
            }
        Py_ssize_t top = h - height[nxt] - 3 > 0 ? h - height[nxt] - 3 : 0, bottom = h - low;
        int loose = 0;
        for (Py_ssize_t r = top; r < bottom && !loose; r++)
            for (Py_ssize_t x = a; x <= nxt && !loose; x++)
                loose = is_solid[t[r * w + x]] && r < h - height[x];
        if (!loose) continue;
        PyObject *row = Py_BuildValue("nnnnn", c, a, nxt, top, bottom);
        if (!row || PyList_Append(result, row)) { Py_XDECREF(row); Py_CLEAR(result); goto done; }
        Py_DECREF(row);
    }
done:
    free(height);
    PyBuffer_Release(&tb);
args:
    PyBuffer_Release(&solid);
    return result;
}

/* walls(tiles, solid, climb, take_off) -> [c]: tiles uint8 (h, w); solid: one byte per tile id.
 * The columns c before a wall: ground (solid rising from the bottom row) taken off from - the
 * highest of the last ground at or before each of the take_off columns up to c - and the next
 * column's ground more than `climb` above both it and c's own. */
static PyObject *walls(PyObject *self, PyObject *args) {
    PyObject *tobj;
    Py_buffer solid;
    int climb, take_off;
    if (!PyArg_ParseTuple(args, "Oy*ii", &tobj, &solid, &climb, &take_off)) return NULL;
    Py_buffer tb;
    PyObject *result = NULL;
    int *height = NULL, *ground = NULL;
    if (tiles_arg(tobj, &tb, 0, solid.len, "walls") < 0) goto args;
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
    height = calloc((size_t)w + 1, sizeof(int)); ground = calloc((size_t)w + 1, sizeof(int));
    if (!height || !ground) { PyErr_NoMemory(); goto done; }
    ground_heights(tb.buf, h, w, solid.buf, height);
    for (Py_ssize_t x = 0, last = -1; x < w; x++) {
        if (height[x]) last = x;
        ground[x] = last >= 0 ? height[last] : 0;                        /* the last ground at or before x */
    }
    if (!(result = PyList_New(0))) goto done;
    for (Py_ssize_t x = 0; x + 1 < w; x++) {
        int ref = 0;
        for (Py_ssize_t k = 0; k < take_off && k <= x; k++) if (ground[x - k] > ref) ref = ground[x - k];
        if (ref <= 0 || height[x + 1] - (ref > height[x] ? ref : height[x]) <= climb) continue;
        PyObject *c = PyLong_FromSsize_t(x);
        if (!c || PyList_Append(result, c)) { Py_XDECREF(c); Py_CLEAR(result); goto done; }
        Py_DECREF(c);
    }
done:
    free(height); free(ground);
    PyBuffer_Release(&tb);
args:
    PyBuffer_Release(&solid);
    return result;
}

/* footholds(solid, out, wide): solid and out bool (h, w), C order. The cells the A* route stands
 * in: clear with ground (solid rising from the bottom row) right below; or clear with any solid
 * cell below, outside the pits of `wide` or more columns and their edge columns. */
static PyObject *footholds(PyObject *self, PyObject *args) {
    PyObject *sobj, *oobj;
    int wide;
    if (!PyArg_ParseTuple(args, "OOi", &sobj, &oobj, &wide)) return NULL;
    Py_buffer sb, ob;
    if (PyObject_GetBuffer(sobj, &sb, PyBUF_ND | PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (PyObject_GetBuffer(oobj, &ob, PyBUF_ND | PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) { PyBuffer_Release(&sb); return NULL; }
    PyObject *result = NULL;
    int *ground = NULL;
    char *over = NULL;
    if (sb.ndim != 2 || sb.itemsize != 1 || ob.ndim != 2 || ob.itemsize != 1 || ob.len != sb.len
            || ob.shape[0] != sb.shape[0]) {
        PyErr_SetString(PyExc_ValueError, "footholds: expected a bool solid mask (h, w) and a bool output of its shape");
        goto done;
    }
    Py_ssize_t h = sb.shape[0], w = sb.shape[1];
    const uint8_t *solid = sb.buf;
    uint8_t *out = ob.buf;
    ground = calloc((size_t)w + 1, sizeof(int)); over = calloc((size_t)w + 1, 1);
    if (!ground || !over) { PyErr_NoMemory(); goto done; }
    ground_heights(solid, h, w, NULL, ground);
    for (Py_ssize_t a = 0, b; h && a < w; a = b + 1) {                     /* pits `wide` or wider */
        for (b = a; b < w && !solid[(h - 1) * w + b]; b++) {}
        if (b - a >= wide)
            for (Py_ssize_t x = a > 0 ? a - 1 : 0; x <= b && x < w; x++) over[x] = 1;
    }
    for (Py_ssize_t r = 0; r < h; r++)
        for (Py_ssize_t x = 0; x < w; x++) {
            int below = r + 1 < h && solid[(r + 1) * w + x], here = solid[r * w + x];
            int on_ground = r + 1 < h && r + 1 >= h - ground[x] && r < h - ground[x];
            out[r * w + x] = (uint8_t)(on_ground || (below && !here && !over[x]));
        }
    result = Py_None; Py_INCREF(result);
done:
    free(ground); free(over);
    PyBuffer_Release(&sb); PyBuffer_Release(&ob);
    return result;
}

static PyMethodDef methods[] = {
    {"climbs", climbs, METH_VARARGS, "climbs(tiles, solid, gap_max, climb, take_off) -> [(c, a, nxt, top, bottom)] with loose tiles over them"},
    {"footholds", footholds, METH_VARARGS, "footholds(solid, out, wide): the cells the A* route stands in"},
    {"walls", walls, METH_VARARGS, "walls(tiles, solid, climb, take_off) -> the columns before a wall too high to climb"},
    {"walk", walk, METH_VARARGS, "walk(z, a, b): z[i] = a * z[i - 1] + b * z[i] down the rows, in place"},
    {"blend", blend, METH_VARARGS, "blend(probs, out, width, lo, hi, overlap): blended window argmax"},
    {"stand", stand, METH_VARARGS, "stand(tiles, member, top_ids, body_ids, pipe, solid, empty): one kind of structure, in place"},
    {"enemies", enemies, METH_VARARGS, "enemies(tiles, solid, empty, enemy, hover): floating enemies dropped or removed, in place"},
    {NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_smbkernels", "SMB generation kernels.", -1, methods};

PyMODINIT_FUNC PyInit__smbkernels(void) { return PyModule_Create(&module); }
