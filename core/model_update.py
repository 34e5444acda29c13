"""Updates name their fields: a service lists what a caller may change, and only that is written."""

from collections.abc import Iterable

from django.db.models import Model


def check_updatable(*, model: type[Model], fields: Iterable[str], data: dict) -> None:
    """A key outside `fields` is a programming error (as an unexpected keyword argument is),
    never a silent write: `project_update(project=p, total_tasks=0)` would break the counters."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise TypeError(f"{model.__name__} fields not updatable here: {', '.join(unknown)}")


def model_update(*, instance: Model, fields: Iterable[str], data: dict) -> tuple[Model, bool]:
    """Set the listed fields present in `data` that differ, and save only those (and
    `updated_at`). No full_clean: the services validate. Returns (instance, whether it changed)."""
    fields = list(fields)
    check_updatable(model=type(instance), fields=fields, data=data)
    changed = []
    for name in fields:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        value = data[name]
        if field.is_relation:
            # Compared by id: reading the related object would cost a query.
            current, new = getattr(instance, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(instance, name), value
        if current != new:
            setattr(instance, name, value)
            changed.append(name)
    if changed:
        if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance, bool(changed)
