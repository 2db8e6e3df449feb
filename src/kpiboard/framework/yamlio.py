"""Strict YAML for framework files: every scalar is text exactly as written.

YAML 1.1 (what PyYAML reads) turns ``017`` into 15, ``no`` into False, ``1:30.5`` into 5430.5
and ``1.10`` into 1.1. A framework's refs, codes and labels must stay as written, so this
loader resolves no implicit types at all: every scalar, quoted or not, is a ``str`` with its
text, except an empty value, ``~`` and ``null``, which are ``None``. A field that wants a
number, a whole number or true/false converts the text itself, strictly (see
``kpiboard.framework.fields``), so a number is always an exact ``Decimal`` and ``1:30.5`` in a
number field is an error at its line.

The loader also refuses, with the line (and column) and without a traceback:

- a key given twice in one mapping (both lines are named);
- a key that is a list or a mapping (``[TBC, TBD]: ...``);
- nesting deeper than ``import_limits().yaml_depth``;
- aliases (``*name``) that would expand to more than ``import_limits().yaml_nodes`` values
  (a "billion laughs" file): the expansion is counted on the node graph, never built;
- control characters (C0 other than tab, line feed and carriage return; DEL; C1) and lone
  surrogates, written raw or as escapes (``"\\0"``, ``"\\x85"``);
- explicit tags that are not plain text, lists or mappings (``!!binary``, ``!!set``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from kpiboard.imports.limits import import_limits, variable

# C0 controls except tab, LF and CR; DEL; C1 controls; lone surrogates (from "\ud800").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SHOWN_AT_MOST = 10  # control characters reported one by one; the rest are counted


@dataclass(frozen=True, slots=True)
class YamlProblem:
    line: int  # 1-based; 0 when not known
    message: str


class YamlError(ValueError):
    """A framework file that cannot be read as strict YAML; ``problems`` lists why."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {p.line}: {p.message}" for p in problems))


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of itself and of each key (1-based), and which keys
    have a plain (unquoted) scalar value."""

    line: int = 0
    lines: dict[Any, int]
    plain: set[Any]


class LineList(list[Any]):
    """A list that remembers its line and each item's line."""

    line: int = 0
    lines: list[int]


def control_name(ch: str) -> str:
    code = ord(ch)
    names = {0: "NUL", 9: "tab", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL"}
    return f"U+{code:04X}" + (f" ({names[code]})" if code in names else "")


def control_problems(text: str, *, limit: int = _SHOWN_AT_MOST) -> list[YamlProblem]:
    """Each control character in ``text``, at its line and column."""
    found: list[YamlProblem] = []
    for m in CONTROL.finditer(text):
        if len(found) == limit:
            rest = sum(1 for _ in CONTROL.finditer(text, m.start()))
            found.append(YamlProblem(0, f"and {rest} more control characters"))
            break
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        found.append(YamlProblem(line, f"column {column}: a control character "
                                 f"{control_name(m.group())} is not allowed in a framework "
                                 "file; delete it (it is often pasted in from another "
                                 "program)"))
    return found


class _Line:
    """What the loader keeps of a node's place in the file: its line (0-based, as a Mark)."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line + 1}"


class _Limit(yaml.YAMLError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _Loader(yaml.SafeLoader):
    # No implicit types: plain scalars are text, except null (and the merge key "<<").
    yaml_implicit_resolvers: dict[Any, Any] = {}

    def __init__(self, text: str) -> None:
        super().__init__(text)
        limits = import_limits()
        self.max_depth, self.max_nodes = limits.yaml_depth, limits.yaml_nodes
        self.depth = 0
        self.problems: list[YamlProblem] = []
        self.line_marks: dict[int, _Line] = {}
        self.written: dict[int, str] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
                raise _Limit(line, f"lists and mappings nest more than {self.max_depth} deep "
                             f"(the limit {variable('yaml_depth')}); a framework file needs "
                             "fewer than 10 levels")
            node: Any = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if index is None and isinstance(parent, yaml.MappingNode) and not isinstance(
                node, yaml.ScalarNode):  # a list or mapping as a key: keep how it is written
            start, end = node.start_mark, node.end_mark
            self.written[id(node)] = start.buffer[start.pointer:end.pointer] \
                if start.buffer is not None else ""
        # Only the line is kept (Marks with the whole buffer and offsets are most of a node's
        # memory); one object per line is shared by every node on it.
        line = node.start_mark.line
        mark = self.line_marks.get(line)
        if mark is None:
            mark = self.line_marks[line] = _Line(line)
        node.start_mark = node.end_mark = mark
        return node

    def construct_document(self, node: Any) -> Any:
        _count(node, self.max_nodes)
        return super().construct_document(node)


def _count(root: Any, limit: int) -> None:
    """Count the values ``root`` stands for once every alias is expanded, without expanding:
    each node's count is worked out once (aliases share their node)."""
    counts: dict[int, int] = {}
    open_: set[int] = set()

    def count(node: Any) -> int:
        key = id(node)
        if key in counts:
            return counts[key]
        if key in open_:
            raise _Limit(node.start_mark.line + 1, "an alias (*name) refers to a list or "
                         "mapping that contains the alias itself")
        open_.add(key)
        n = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                n += count(child)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                n += count(k) + count(v)
        open_.discard(key)
        if n > limit:
            raise _Limit(node.start_mark.line + 1, f"the aliases (*name) here expand to more "
                         f"than {limit:,} values (the limit {variable('yaml_nodes')}); "
                         "a framework file repeats a block with an alias a few times at "
                         "most")
        counts[key] = n
        return n

    count(root)


def _null(loader: _Loader, node: yaml.ScalarNode) -> None:
    return None


def _text(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    assert isinstance(value, str)
    m = CONTROL.search(value)
    if m:  # written as an escape ("\0", "\x07"): raw ones are found before parsing
        loader.problems.append(YamlProblem(
            node.start_mark.line + 1, f"a control character {control_name(m.group())} (written "
            f"as an escape) is not allowed in a framework file: {value[:40]!r}"))
    return value


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_KINDS = {yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    result.plain = set()
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            kind = _KINDS.get(type(key_node), "not text")
            written = " ".join(loader.written.get(id(key_node), "").split())
            written = written if len(written) <= 40 else f"{written[:40]}…"
            loader.problems.append(YamlProblem(line, f"a key must be a word or text, found "
                                   f"{kind} {written}; if it is text, quote it: "
                                   f"{_quoted(written)}"))
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            loader.problems.append(YamlProblem(line, f"not valid YAML: duplicate key {key!r} "
                                   f"(first on line {result.lines[key]}); give each key "
                                   "once in a mapping"))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
        if isinstance(value_node, yaml.ScalarNode) and value_node.style is None:
            result.plain.add(key)
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _refused(loader: _Loader, node: yaml.Node) -> None:
    loader.problems.append(YamlProblem(node.start_mark.line + 1, f"the tag {node.tag!r} is not "
                                       "used in framework files; write plain text, a list or "
                                       "a mapping"))


_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                              ["~", "n", "N", ""])
_Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_Loader.add_constructor("tag:yaml.org,2002:null", _null)
for _tag in ("str", "int", "float", "bool", "timestamp"):  # explicit !!int 5 is text "5"
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _text)
_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)
for _tag in ("binary", "set", "omap", "pairs", "value", "yaml"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refused)
_Loader.add_constructor(None, _refused)  # any other tag


def load_yaml(text: str) -> Any:
    """The document in ``text``, every scalar as text; ``YamlError`` for anything refused."""
    problems = control_problems(text)
    if problems:
        raise YamlError(problems)
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except _Limit as exc:
        raise YamlError([YamlProblem(exc.line, exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlError([YamlProblem(line, f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise YamlError([YamlProblem(0, f"not valid YAML: {exc}")]) from None
    except RecursionError:  # pragma: no cover - the depth limit is far below Python's
        raise YamlError([YamlProblem(0, "lists and mappings nest too deeply")]) from None
    finally:
        loader.dispose()
    if loader.problems:
        raise YamlError(sorted(loader.problems, key=lambda p: p.line))
    return data
