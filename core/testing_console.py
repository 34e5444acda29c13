"""Helpers for tests of the console's forms: read a form's fields and the errors beside them.

The factory of a row of every model lives with core's tests (core/tests/console_factory.py):
it needs every app, and core knows none.
"""

from html.parser import HTMLParser

from django.utils.html import escape

# A parameter schema for project types in console forms.
SCHEMA = {
    "type": "object",
    "properties": {"fps": {"type": "integer", "minimum": 1, "maximum": 120}},
}


class FormFields(HTMLParser):
    """What a browser would send from a page's admin form: its inputs, text areas and
    selects with their current values (checkboxes only when checked)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.data.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.data.append((self._select, self._select_first))
            self._select = None


def form_data(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def errors_beside(response, name: str) -> list[str]:
    """The errors the admin shows beside field `name` (None: above the form)."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return list(form.errors.get(name or "__all__", []))


def shows_typed(response, typed: str) -> bool:
    return escape(typed) in response.content.decode()
