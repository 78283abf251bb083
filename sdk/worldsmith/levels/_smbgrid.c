/* SMB tile-grid kernels, the same results as the numpy code they replace, bit for bit:
 *
 * - blend: the argmax of overlapping window probabilities blended with triangular weights
 *   (worldsmith.levels.generator.stitch): per column, the windows over it in order, each adding
 *   its float32 product p * ramp to the column's sum (no fused multiply-add: setup.py builds
 *   with -ffp-contract=off), the sum divided by the summed weights, the first largest channel;
 * - stand: one kind of structure (pipes, cannons) made whole and standing
 *   (worldsmith.levels.repair.smb_structures), in place.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

/* blend(probs, out, width, lo, hi, overlap): probs float32 (n, c, h, w), any strides; out uint8
 * (h, hi - lo), C order: the tiles of columns [lo, hi) of a level ``width`` columns wide. */
static PyObject *blend(PyObject *self, PyObject *args) {
    PyObject *pobj, *oobj;
    int width, lo, hi, overlap;
    if (!PyArg_ParseTuple(args, "OOiiii", &pobj, &oobj, &width, &lo, &hi, &overlap)) return NULL;
    Py_buffer pb, ob;
    if (PyObject_GetBuffer(pobj, &pb, PyBUF_STRIDED_RO | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(oobj, &ob, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) { PyBuffer_Release(&pb); return NULL; }
    PyObject *result = NULL;
    if (pb.ndim != 4 || pb.itemsize != 4 || pb.format == NULL || pb.format[0] != 'f' || pb.format[1]) {
        PyErr_SetString(PyExc_ValueError, "blend: expected float32 probabilities (n, c, h, w)");
        goto done;
    }
    Py_ssize_t n = pb.shape[0], c = pb.shape[1], h = pb.shape[2], w = pb.shape[3], stride = w - overlap;
    if (stride < 1 || lo < 0 || hi <= lo || hi > width || ob.len != h * (hi - lo) || c < 1
            || (n - 1) * stride + w < hi) {
        PyErr_SetString(PyExc_ValueError, "blend: expected windows covering columns [lo, hi) and a (h, hi - lo) uint8 output");
        goto done;
    }
    float *acc = malloc(sizeof(float) * (size_t)c);
    if (!acc) { PyErr_NoMemory(); goto done; }
    const char *p = pb.buf;
    uint8_t *out = ob.buf;
    for (Py_ssize_t x = lo; x < hi; x++) {
        Py_ssize_t first = x < w ? 0 : (x - w) / stride + 1, last = x / stride;    /* windows over x */
        if (last > n - 1) last = n - 1;
        for (Py_ssize_t r = 0; r < h; r++) {
            float weight = 0.0f;
            for (Py_ssize_t k = 0; k < c; k++) acc[k] = 0.0f;
            for (Py_ssize_t i = first; i <= last; i++) {
                Py_ssize_t o = x - i * stride;                                 /* column in window i */
                Py_ssize_t up = o + 1 < w - o ? o + 1 : w - o;
                float ramp = (float)(up < overlap + 1 ? up : overlap + 1);
                const char *cell = p + i * pb.strides[0] + r * pb.strides[2] + o * pb.strides[3];
                for (Py_ssize_t k = 0; k < c; k++) {
                    float term = *(const float *)(cell + k * pb.strides[1]) * ramp;
                    acc[k] = acc[k] + term;
                }
                weight = weight + ramp;
            }
            Py_ssize_t best = 0;
            float top = acc[0] / weight;
            for (Py_ssize_t k = 1; k < c; k++) {
                float v = acc[k] / weight;
                if (v > top) { top = v; best = k; }
            }
            out[r * (hi - lo) + (x - lo)] = (uint8_t)best;
        }
    }
    free(acc);
    result = Py_None; Py_INCREF(result);
done:
    PyBuffer_Release(&pb); PyBuffer_Release(&ob);
    return result;
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
    if (PyObject_GetBuffer(tobj, &tb, PyBUF_ND | PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) goto args;
    Py_ssize_t size = member.len, width = top_ids.len;
    if (tb.ndim != 2 || tb.itemsize != 1 || width < 1 || body_ids.len != width || pipe.len != size
            || solid.len != size || empty < 0 || empty >= size || tb.shape[1] < width) {
        PyErr_SetString(PyExc_ValueError, "stand: expected uint8 tiles (h, w >= the structure's width) and one table entry per tile id");
        goto done;
    }
    Py_ssize_t h = tb.shape[0], w = tb.shape[1];
    uint8_t *t = tb.buf;
    const uint8_t *is_member = member.buf, *is_pipe = pipe.buf, *is_solid = solid.buf;
    for (Py_ssize_t i = 0; i < h * w; i++)
        if (t[i] >= size) {
            PyErr_Format(PyExc_ValueError, "stand: expected tile ids below %zd, got %d", size, (int)t[i]);
            goto done;
        }
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

static PyMethodDef methods[] = {
    {"blend", blend, METH_VARARGS, "blend(probs, out, width, lo, hi, overlap): blended window argmax"},
    {"stand", stand, METH_VARARGS, "stand(tiles, member, top_ids, body_ids, pipe, solid, empty): one kind of structure, in place"},
    {NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_smbgrid", "SMB tile-grid kernels.", -1, methods};

PyMODINIT_FUNC PyInit__smbgrid(void) { return PyModule_Create(&module); }
