"""Directed acyclic graphs given as "node → the nodes it depends on": a topological order,
layers, and an order within each layer that keeps edges from crossing much.

Nodes are any hashable values (task ids, template keys); `parents[node]` lists the nodes it
depends on. Iterative throughout: a chain of thousands must not hit Python's recursion limit.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence


class CycleError(ValueError):
    """The graph has a cycle; `stuck` holds the nodes on or behind one, in input order."""

    def __init__(self, stuck: list):
        super().__init__(f"Dependency cycle among {len(stuck)} node(s).")
        self.stuck = stuck


def topological_order(
    nodes: Sequence[Hashable], parents: Mapping[Hashable, Iterable[Hashable]]
) -> list:
    """Every node after the nodes it depends on (Kahn's algorithm); CycleError if none can be.

    Parents that are not in `nodes` are ignored (an edge to a node outside the picture).
    """
    known = set(nodes)
    children: dict[Hashable, list] = defaultdict(list)
    missing = dict.fromkeys(nodes, 0)
    for node in nodes:
        for parent in set(parents.get(node, ())):
            if parent in known:
                children[parent].append(node)
                missing[node] += 1
    ready = [node for node in nodes if missing[node] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for child in children[node]:
            missing[child] -= 1
            if missing[child] == 0:
                ready.append(child)
    if len(order) < len(nodes):
        raise CycleError([node for node in nodes if missing[node]])
    return order


def layer_of(nodes: Sequence[Hashable], parents: Mapping[Hashable, Iterable[Hashable]]) -> dict:
    """Each node's layer: 0 without dependencies, else one after its deepest dependency."""
    known = set(nodes)
    layer: dict[Hashable, int] = {}
    for node in topological_order(nodes, parents):
        layer[node] = max((layer[p] + 1 for p in parents.get(node, ()) if p in known), default=0)
    return layer


def ordered_layers(
    nodes: Sequence[Hashable], parents: Mapping[Hashable, Iterable[Hashable]]
) -> list[list]:
    """The layers, each ordered by the mean position of its nodes' dependencies (the
    barycentre heuristic: fewer crossings); ties and roots keep the input order."""
    layer = layer_of(nodes, parents)
    rank = {node: index for index, node in enumerate(nodes)}
    by_layer: dict[int, list] = defaultdict(list)
    for node in nodes:
        by_layer[layer[node]].append(node)
    position: dict[Hashable, float] = {}
    layers = []
    for depth in range(len(by_layer)):
        members = by_layer[depth]
        if depth:

            def barycentre(node):
                placed = [position[p] for p in parents.get(node, ()) if p in position]
                return (sum(placed) / len(placed) if placed else 0.0, rank[node])

            members = sorted(members, key=barycentre)
        for index, node in enumerate(members):
            position[node] = index
        layers.append(members)
    return layers
