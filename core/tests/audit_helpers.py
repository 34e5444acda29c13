"""What the audit tests share: a console signed in as an operator, forms posted as a browser
would post them, and the entries recorded about an object."""

from html.parser import HTMLParser

from django.test import Client
from django.urls import resolve

from core.admin_soft_delete import DeletedListFilter
from core.models import AuditEntry
from core.roles import Role
from core.testing import make_person

OPERATOR = "anna"


def operator_console() -> Client:
    client = Client()
    client.force_login(make_person(OPERATOR, Role.OPERATOR))
    return client


class _FormFields(HTMLParser):
    """The fields of the page's change form with the values a browser would submit."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(attrs["name"], []).append(attrs.get("value") or default)
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data.setdefault(self._textarea, []).append("")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_data(client: Client, url: str, **changes) -> dict:
    """The change (or add) form at `url` as it stands, with `changes` applied."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def post_form(client: Client, url: str, **changes):
    response = client.post(url, form_data(client, url, **changes))
    assert response.status_code == 302, (url, _errors(response))
    return response


def act(client: Client, changelist_url: str, action: str, *pks):
    """Run a list action on the rows (live or deleted), confirming it when it asks."""
    model_admin = resolve(changelist_url).func.model_admin
    if DeletedListFilter in model_admin.list_filter:
        changelist_url = f"{changelist_url}?deleted=all"
    response = client.post(
        changelist_url,
        {"action": action, "_selected_action": list(pks), "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200, (changelist_url, action, response.status_code)
    return response


def entries(obj, action: str | None = None):
    found = AuditEntry.objects.for_object(obj)
    return found.filter(action=action) if action else found


def _errors(response) -> str:
    context = getattr(response, "context", None)
    if context and "adminform" in context:
        return str(context["adminform"].form.errors)
    return str(response.status_code)
