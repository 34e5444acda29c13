from functools import cache

from rest_framework import serializers


# The body of an answer that only says what was done ("Asset deleted successfully"). (A
# comment: the schema would show a docstring as the component's description.)
class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


@cache
def message_serializer(component_name: str) -> type[MessageSerializer]:
    """MessageSerializer under its own name in the schema ("AssetDeleted"): clients generate
    types from the component names, so each answer keeps the name it was published with."""
    return type(f"{component_name}Serializer", (MessageSerializer,), {"__module__": __name__})
