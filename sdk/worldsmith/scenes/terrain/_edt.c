/* The exact Euclidean distance transform of a binary map (Felzenszwalb and Huttenlocher 2012,
 * "Distance transforms of sampled functions"): per cell, the distance to the nearest zero cell,
 * as scipy.ndimage.distance_transform_edt gives it (the square root of a whole number of squared
 * cells, so the same float64 bits), in time linear in the cells and a row of memory at a time.
 *
 * Pass 1, down the columns: the squared distance to the nearest zero in the cell's column (two
 * sweeps, a row at a time). Pass 2, along each row: the lower envelope of the parabolas
 * f(q) + (x - q)^2, with the breakpoints compared as exact fractions of 64-bit integers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define FAR INT64_MAX       /* pass 2: no zero in the column */
#define COL_FAR INT32_MAX   /* pass 1: likewise */

/* the envelope of one row: f[w] squared column distances -> d[w] squared distances */
static void row_envelope(const int64_t *f, int64_t *d, int w, int *v, int64_t *zn, int64_t *zd) {
    int k = -1;                     /* parabolas in the envelope: v[0..k]; v[i] rules from zn[i]/zd[i] on */
    for (int q = 0; q < w; q++) {
        if (f[q] == FAR) continue;
        int64_t num = 0, den = 1;
        while (k >= 0) {            /* where parabola q overtakes v[k]: (f[q] + q^2 - f[p] - p^2) / 2(q - p) */
            int p = v[k];
            num = f[q] + (int64_t)q * q - f[p] - (int64_t)p * p;
            den = 2 * (int64_t)(q - p);
            if (k > 0 && num * zd[k] <= zn[k] * den) k--;      /* v[k] is never lowest: drop it */
            else break;
        }
        k++;
        v[k] = q;
        zn[k] = k ? num : 0;
        zd[k] = k ? den : 1;
        if (k == 0) { zn[0] = INT64_MIN / 4; zd[0] = 1; }
    }
    for (int x = 0, i = 0; x < w; x++) {
        while (i < k && zn[i + 1] <= (int64_t)x * zd[i + 1]) i++;  /* x at or past the next breakpoint */
        int64_t dx = x - v[i];
        d[x] = f[v[i]] + dx * dx;
    }
}

/* edt(mask, out): mask uint8 (h, w), nonzero where a distance is wanted; out float64 (h, w).
 * Returns False (out untouched) if the mask has no zero cell. */
static PyObject *edt(PyObject *self, PyObject *args) {
    PyObject *mobj, *oobj;
    int h, w;
    if (!PyArg_ParseTuple(args, "OOii", &mobj, &oobj, &h, &w)) return NULL;
    Py_buffer mb, ob;
    if (PyObject_GetBuffer(mobj, &mb, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (PyObject_GetBuffer(oobj, &ob, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) { PyBuffer_Release(&mb); return NULL; }
    PyObject *result = NULL;
    if (h < 1 || w < 1 || mb.len != (Py_ssize_t)h * w || ob.len != (Py_ssize_t)h * w * 8) {
        PyErr_SetString(PyExc_ValueError, "edt: expected a (h, w) uint8 mask and a (h, w) float64 output");
        goto done;
    }
    const uint8_t *m = mb.buf;
    double *out = ob.buf;
    int32_t *col = malloc(sizeof(int32_t) * (size_t)h * w);           /* pass 1, all rows */
    int64_t *f = malloc(sizeof(int64_t) * w), *d = malloc(sizeof(int64_t) * w);
    int64_t *zn = malloc(sizeof(int64_t) * (w + 1)), *zd = malloc(sizeof(int64_t) * (w + 1));
    int *v = malloc(sizeof(int) * w);
    if (!col || !f || !d || !zn || !zd || !v) { PyErr_NoMemory(); goto freed; }
    int any = 0;
    for (int c = 0; c < w; c++)                                      /* down: rows since a zero */
        col[c] = m[c] ? COL_FAR : (any = 1, 0);
    for (int r = 1; r < h; r++)
        for (int c = 0; c < w; c++) {
            int32_t up = col[(size_t)(r - 1) * w + c];
            col[(size_t)r * w + c] = m[(size_t)r * w + c] ? (up == COL_FAR ? COL_FAR : up + 1) : (any = 1, 0);
        }
    if (!any) { result = Py_False; Py_INCREF(result); goto freed; }
    for (int r = h - 2; r >= 0; r--)                                 /* up: the nearer zero */
        for (int c = 0; c < w; c++) {
            int32_t below = col[(size_t)(r + 1) * w + c], *here = &col[(size_t)r * w + c];
            if (below != COL_FAR && below + 1 < *here) *here = below + 1;
        }
    for (int r = 0; r < h; r++) {
        const int32_t *g = col + (size_t)r * w;
        for (int c = 0; c < w; c++) f[c] = g[c] == COL_FAR ? FAR : (int64_t)g[c] * g[c];
        row_envelope(f, d, w, v, zn, zd);
        for (int c = 0; c < w; c++) out[(size_t)r * w + c] = sqrt((double)d[c]);
    }
    result = Py_True; Py_INCREF(result);
freed:
    free(col); free(f); free(d); free(zn); free(zd); free(v);
done:
    PyBuffer_Release(&mb); PyBuffer_Release(&ob);
    return result;
}

static PyMethodDef methods[] = {
    {"edt", edt, METH_VARARGS, "edt(mask, out, h, w) -> bool: the exact distance to the nearest zero cell"},
    {NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_edt", "An exact Euclidean distance transform.", -1, methods};

PyMODINIT_FUNC PyInit__edt(void) { return PyModule_Create(&module); }
