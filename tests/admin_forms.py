"""Posting admin forms as a browser would: read the page's form, change some
fields, post it back."""

from bs4 import BeautifulSoup


def form_data(response) -> dict:
    """The values a browser would submit from the page's main form."""
    page = BeautifulSoup(response.content, "html.parser")
    form = page.find("form", id=lambda value: value and value.endswith("_form"))
    data: dict = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if "__prefix__" in name:
            continue
        if field.name == "select":
            chosen = [
                option.get("value", "")
                for option in field.find_all("option", selected=True)
            ]
            if field.has_attr("multiple"):
                data[name] = chosen
            else:
                data[name] = chosen[0] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        else:
            data[name] = field.get("value", "")
    return data
