"""The ctypes mirror (jiceng/_capi.py) checked against capi/jiceng.h by types, not names.

The header is preprocessed (cpp) and parsed with pycparser (Debian: python3-pycparser);
every function _capi.py declares must exist in the header with the same number of
parameters and, parameter by parameter and for the result, a ctypes type of the same
kind: integers of the same size and signedness, the same structure (by name, passed by
value or through a pointer), char pointers as c_char_p, function pointers with the same
signature. Every structure _capi.py mirrors is compared field by field the same way.

c_void_p stands for a pointer the bindings keep opaque on purpose (a library-owned string
handed back to jc_string_free, a packed string table): it is accepted for void * and for
pointers to char or to char pointers, nothing else.

A deliberately wrong declaration in a copy of _capi.py must make the comparison fail.
"""

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import pycparser  # Debian: python3-pycparser (scripts/dev installs it)
from pycparser import c_ast

SOURCE_DIR = os.environ.get("JICENG_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
HEADER = os.path.join(SOURCE_DIR, "capi", "jiceng.h")
CAPI_PY = os.path.join(SOURCE_DIR, "bindings", "python", "jiceng", "_capi.py")

# The fixed-width and size types of <stdint.h>/<stddef.h>: (bytes, signed).
_STD_INTS = {
    "int8_t": (1, True), "uint8_t": (1, False), "int16_t": (2, True), "uint16_t": (2, False),
    "int32_t": (4, True), "uint32_t": (4, False), "int64_t": (8, True), "uint64_t": (8, False),
    "size_t": (ctypes.sizeof(ctypes.c_size_t), False), "ptrdiff_t": (ctypes.sizeof(ctypes.c_ssize_t), True),
    "intptr_t": (ctypes.sizeof(ctypes.c_ssize_t), True), "uintptr_t": (ctypes.sizeof(ctypes.c_size_t), False),
}
_C_INTS = {
    ("int",): (ctypes.sizeof(ctypes.c_int), True), ("signed", "int"): (ctypes.sizeof(ctypes.c_int), True),
    ("unsigned", "int"): (ctypes.sizeof(ctypes.c_uint), False), ("unsigned",): (ctypes.sizeof(ctypes.c_uint), False),
    ("long",): (ctypes.sizeof(ctypes.c_long), True), ("unsigned", "long"): (ctypes.sizeof(ctypes.c_ulong), False),
    ("long", "long"): (8, True), ("unsigned", "long", "long"): (8, False),
    ("short",): (2, True), ("unsigned", "short"): (2, False),
    ("signed", "char"): (1, True), ("unsigned", "char"): (1, False),
}
# Stand-ins for the system headers, so that only jiceng.h (and jiceng/version.hpp) is parsed.
_PRELUDE = "".join("typedef int %s;\n" % n for n in _STD_INTS)


def parse_header(header=HEADER):
    """(functions, structs, typedefs) of the header: name → pycparser node."""
    with open(header, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"^#include <[^>]+>$", "", text, flags=re.M)
    cpp = shutil.which("cpp") or shutil.which("gcc")
    if cpp is None:
        raise RuntimeError("no C preprocessor (cpp) on PATH: install build-essential")
    args = [cpp] + (["-E"] if cpp.endswith("gcc") else []) + [
        "-P", "-undef", "-D__attribute__(x)=", "-I", os.path.join(SOURCE_DIR, "include"),
        "-I", os.path.dirname(header), "-"]
    pre = subprocess.run(args, input=_PRELUDE + text, capture_output=True, text=True, check=True).stdout
    ast = pycparser.CParser().parse(pre, filename=header)
    functions, structs, typedefs = {}, {}, {}
    for node in ast.ext:
        if isinstance(node, c_ast.Typedef):
            typedefs[node.name] = node.type
            inner = node.type.type if isinstance(node.type, c_ast.TypeDecl) else None
            if isinstance(inner, c_ast.Struct) and inner.decls is not None:
                structs[inner.name or node.name] = inner
        elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            functions[node.name] = node.type
        elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.Struct) and node.type.decls:
            structs[node.type.name] = node.type
    return functions, structs, typedefs


class Shapes:
    """C types (pycparser nodes) and ctypes types reduced to comparable shapes."""

    def __init__(self, typedefs):
        self.typedefs = typedefs

    # --- C side -------------------------------------------------------------------------
    def c_shape(self, node):
        if isinstance(node, c_ast.TypeDecl):
            return self.c_shape(node.type)
        if isinstance(node, c_ast.IdentifierType):
            names = tuple(n for n in node.names if n != "const")
            if len(names) == 1 and names[0] in _STD_INTS:
                return ("int",) + _STD_INTS[names[0]]
            if names == ("void",):
                return ("void",)
            if names == ("char",):
                return ("char",)
            if names in _C_INTS:
                return ("int",) + _C_INTS[names]
            if names in (("double",), ("float",)):
                return ("float", 8 if names == ("double",) else 4)
            if len(names) == 1 and names[0] in self.typedefs:
                return self.c_shape(self.typedefs[names[0]])
            raise AssertionError("unknown C type %s" % " ".join(names))
        if isinstance(node, c_ast.Enum):
            return ("int", ctypes.sizeof(ctypes.c_int), True)
        if isinstance(node, c_ast.Struct):
            return ("struct", node.name)
        if isinstance(node, c_ast.PtrDecl):
            target = node.type
            if isinstance(target, c_ast.FuncDecl):
                return self.c_function(target)
            return ("ptr", self.c_shape(target))
        if isinstance(node, c_ast.ArrayDecl):
            return ("array", self.c_shape(node.type), int(node.dim.value))
        if isinstance(node, c_ast.FuncDecl):
            return self.c_function(node)
        raise AssertionError("unhandled C node %r" % (node,))

    def c_function(self, func):
        params = []
        for p in (func.args.params if func.args else []):
            if isinstance(p, c_ast.EllipsisParam):
                raise AssertionError("variadic functions cannot be mirrored")
            shape = self.c_shape(p.type)
            if shape[0] == "array":  # a parameter declared as an array is a pointer
                shape = ("ptr", shape[1])
            if shape != ("void",):
                params.append(shape)
        return ("func", self.c_shape(func.type), tuple(params))

    # --- ctypes side --------------------------------------------------------------------
    @staticmethod
    def py_shape(t):
        if t is None:
            return ("void",)
        if t is ctypes.c_char_p:
            return ("ptr", ("char",))
        if t is ctypes.c_void_p:
            return ("ptr", ("void",))
        if t is ctypes.c_char:
            return ("char",)
        if t in (ctypes.c_double, ctypes.c_float):
            return ("float", ctypes.sizeof(t))
        if isinstance(t, type) and issubclass(t, ctypes._SimpleCData) and t._type_ in "bBhHiIlLqQ":
            return ("int", ctypes.sizeof(t), t._type_.islower())
        if isinstance(t, type) and issubclass(t, ctypes._Pointer):
            return ("ptr", Shapes.py_shape(t._type_))
        if isinstance(t, type) and issubclass(t, ctypes.Structure):
            return ("struct", t.__name__)
        if isinstance(t, type) and issubclass(t, ctypes.Array):
            return ("array", Shapes.py_shape(t._type_), t._length_)
        if isinstance(t, type) and issubclass(t, ctypes._CFuncPtr):
            return ("func", Shapes.py_shape(t._restype_), tuple(Shapes.py_shape(a) for a in t._argtypes_))
        raise AssertionError("unhandled ctypes type %r" % (t,))


def _opaque_ok(c):
    """c_void_p may stand for void *, char * and char ** (raw, library-owned memory)."""
    if c[0] != "ptr":
        return False
    target = c[1]
    return target in (("void",), ("char",)) or target == ("ptr", ("char",))


def same(c, py):
    """Whether a C shape and a ctypes shape agree (c_void_p only where _opaque_ok)."""
    if py == ("ptr", ("void",)) and _opaque_ok(c):
        return True
    if c[0] != py[0]:
        return False
    if c[0] in ("ptr",):
        return same(c[1], py[1])
    if c[0] == "array":
        return c[2] == py[2] and same(c[1], py[1])
    if c[0] == "func":
        return same(c[1], py[1]) and len(c[2]) == len(py[2]) and all(same(a, b) for a, b in zip(c[2], py[2]))
    return c == py


def compare(capi, header=HEADER):
    """Every mismatch between a loaded _capi module and the header, as readable lines."""
    functions, structs, typedefs = parse_header(header)
    shapes = Shapes(typedefs)
    problems = []
    declared = list(capi._FUNCTIONS) + list(capi._OPTIONAL_FUNCTIONS)
    for name, restype, argtypes in declared:
        if name not in functions:
            problems.append("%s: declared in _capi.py, not in jiceng.h" % name)
            continue
        _, c_res, c_params = shapes.c_function(functions[name])
        py_res = Shapes.py_shape(restype)
        if not same(c_res, py_res):
            problems.append("%s: result is %s in jiceng.h, %s in _capi.py" % (name, c_res, py_res))
        if len(c_params) != len(argtypes):
            problems.append("%s: %d parameters in jiceng.h, %d in _capi.py" % (name, len(c_params), len(argtypes)))
            continue
        for i, (c, t) in enumerate(zip(c_params, argtypes)):
            py = Shapes.py_shape(t)
            if not same(c, py):
                problems.append("%s: parameter %d is %s in jiceng.h, %s in _capi.py" % (name, i + 1, c, py))
    for cls in vars(capi).values():
        if not (isinstance(cls, type) and issubclass(cls, ctypes.Structure) and hasattr(cls, "_fields_")):
            continue
        if cls.__name__ not in structs:
            problems.append("struct %s: mirrored in _capi.py, not in jiceng.h" % cls.__name__)
            continue
        c_fields = [(d.name, shapes.c_shape(d.type)) for d in structs[cls.__name__].decls]
        py_fields = [(f[0], Shapes.py_shape(f[1])) for f in cls._fields_]
        if [n for n, _ in c_fields] != [n for n, _ in py_fields]:
            problems.append("struct %s: fields %s in jiceng.h, %s in _capi.py"
                            % (cls.__name__, [n for n, _ in c_fields], [n for n, _ in py_fields]))
            continue
        for (n, c), (_, py) in zip(c_fields, py_fields):
            if not same(c, py):
                problems.append("struct %s: field %s is %s in jiceng.h, %s in _capi.py" % (cls.__name__, n, c, py))
    return problems, functions


def load_module_copy(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CapiMirrorTests(unittest.TestCase):
    def test_every_declaration_matches_the_header_by_type(self):
        from jiceng import _capi
        problems, functions = compare(_capi)
        self.assertEqual(problems, [], "\n".join(problems))
        # And every function of the header is declared (none left out).
        declared = {n for n, _, _ in _capi._FUNCTIONS} | {n for n, _, _ in _capi._OPTIONAL_FUNCTIONS}
        self.assertEqual(sorted(set(functions) - declared), [])
        self.assertGreater(len(functions), 100)

    def test_a_wrong_declaration_fails(self):
        # A copy of _capi.py with one parameter type changed (jc_engine_accept's petition id
        # c_uint64 → c_int32), one result type changed and one parameter dropped.
        with open(CAPI_PY, encoding="utf-8") as f:
            text = f.read()
        edits = [
            ('("jc_engine_accept", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),',
             '("jc_engine_accept", jc_status, [jc_engine_p, POINTER(jc_actor), c_int32, c_int64]),',
             "jc_engine_accept: parameter 3"),
            ('("jc_abi_version", c_uint, []),', '("jc_abi_version", c_int, []),', "jc_abi_version: result"),
            ('("jc_engine_sign", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64, c_int64]),',
             '("jc_engine_sign", jc_status, [jc_engine_p, POINTER(jc_actor), c_uint64]),',
             "jc_engine_sign: 4 parameters in jiceng.h, 3"),
            ('("jc_date_parse", jc_status, [POINTER(jc_date), c_char_p]),',
             '("jc_date_parse", jc_status, [POINTER(jc_date), c_void_p]),', None),  # c_void_p for char *: allowed
            ('    _fields_ = [("contacted", c_int), ("solved", c_int), ("satisfaction", c_int)]',
             '    _fields_ = [("contacted", c_int), ("solved", c_int64), ("satisfaction", c_int)]',
             "struct jc_evaluation: field solved"),
        ]
        for old, new, _ in edits:
            self.assertIn(old, text, "the test's edit no longer applies to _capi.py: %s" % old)
            text = text.replace(old, new, 1)
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, "_capi_wrong.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            wrong = load_module_copy(path, "_capi_wrong")
            problems, _ = compare(wrong)
        finally:
            shutil.rmtree(tmp)
            sys.modules.pop("_capi_wrong", None)
        expected = [e for _, _, e in edits if e]
        for e in expected:
            self.assertTrue(any(p.startswith(e) for p in problems), "%r not reported; got %s" % (e, problems))
        self.assertEqual(len(problems), len(expected), "\n".join(problems))

    def test_opaque_pointers_only_where_raw_memory(self):
        # c_void_p may not stand for a handle or a structure pointer.
        functions, _, typedefs = parse_header()
        shapes = Shapes(typedefs)
        _, _, params = shapes.c_function(functions["jc_engine_free"])
        self.assertFalse(same(params[0], Shapes.py_shape(ctypes.c_void_p)))
        _, _, params = shapes.c_function(functions["jc_string_free"])
        self.assertTrue(same(params[0], Shapes.py_shape(ctypes.c_void_p)))


if __name__ == "__main__":
    unittest.main()
