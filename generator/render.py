"""The Jinja environment and its filters. Templates only display; contexts are built elsewhere.

Every context holds ``page_path``, the page's own path in the output (``index.html``),
so ``url`` can turn a site path into a link relative to the current page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


class _Environment(Environment):
    """Jinja's environment, reading ``a.b`` off a dict with one lookup.

    Jinja tries ``getattr(a, "b")`` first and ``a["b"]`` once that fails; page contexts are dicts, so
    nearly every ``a.b`` raised and caught an AttributeError. A name that is also a dict's method
    (``items``, ``get``...) still takes Jinja's own path, so every template reads what it read before.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def make_environment(templates_dir: Path, compiled_dir: Path | None = None) -> Environment:
    """The environment every page is rendered in; ``compiled_dir``, if given, keeps compiled templates
    between builds (compiling them all takes a build about 60 ms)."""
    env = _Environment(
        loader=FileSystemLoader(templates_dir),
        bytecode_cache=FileSystemBytecodeCache(str(compiled_dir)) if compiled_dir is not None else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no file check per page
    )
    env.filters["url"] = _url_filter
    env.globals["paper_item"] = _paper_items(env)
    return env


def _paper_items(env: Environment) -> Any:
    """``paper_item(summary)``: one paper of a list, as ``_paper_item.html`` renders it, made once per
    paper and folder depth. A paper is listed on half a dozen pages (its authors', venue's, topics',
    year's, related papers'), mostly at the same depth, where its item is the same text."""
    made: dict[tuple[str, int, bool], Markup] = {}

    @pass_context
    def paper_item(context: Context, paper: dict[str, Any]) -> Markup:
        depth = context["page_path"].count("/")
        absolute = bool(context.get("absolute_links"))
        key = (paper["id"], depth, absolute)
        item = made.get(key)
        if item is None:
            item = made[key] = Markup(env.get_template("_paper_item.html").render(
                paper=paper, site=context["site"], absolute_links=absolute, page_path="_/" * depth + "index.html"))
        return item

    return paper_item


def render_page(env: Environment, template_name: str, context: dict[str, Any]) -> str:
    return env.get_template(template_name).render(context)


def relative_url(page_path: str, target: str) -> str:
    """``target`` (a path from the site root) as seen from ``page_path``: one ``../`` per folder."""
    if "://" in target or target.startswith(("#", "mailto:")):
        return target
    target = target.lstrip("/")
    if target == "" or target.endswith("/"):
        target += "index.html"  # a folder link must name its page to work from file://
    return "../" * page_path.count("/") + target


@pass_context
def _url_filter(context: Context, target: str) -> str:
    # A page served at any address (404.html) links absolutely when the site's address is known.
    if context.get("absolute_links") and context["site"].base_url:
        return context["site"].base_url + target.lstrip("/") if "://" not in target else target
    return relative_url(context["page_path"], target)
