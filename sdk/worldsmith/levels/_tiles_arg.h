/* The tiles argument the level C kernels share (_smbkernels.c, agents/_gridgraph.c). */
#ifndef WORLDSMITH_TILES_ARG_H
#define WORLDSMITH_TILES_ARG_H

#include <Python.h>
#include <stdint.h>

/* Hold `obj` as (h, w) uint8 tiles whose ids index tables of `size` entries (writable if asked):
 * 0, or -1 with a ValueError naming the kernel (nothing held). */
static int tiles_arg(PyObject *obj, Py_buffer *tb, int writable, Py_ssize_t size, const char *name) {
    if (PyObject_GetBuffer(obj, tb, PyBUF_ND | PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0)) < 0) return -1;
    if (tb->ndim != 2 || tb->itemsize != 1) {
        PyErr_Format(PyExc_ValueError, "%s: expected uint8 tiles (h, w)", name);
        PyBuffer_Release(tb);
        return -1;
    }
    const uint8_t *t = tb->buf;
    for (Py_ssize_t i = 0; i < tb->len; i++)
        if (t[i] >= size) {
            PyErr_Format(PyExc_ValueError, "%s: expected tile ids below %zd, got %d", name, size, (int)t[i]);
            PyBuffer_Release(tb);
            return -1;
        }
    return 0;
}

#endif
