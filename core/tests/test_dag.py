import pytest

from core.dag import CycleError, layer_of, ordered_layers, topological_order


def test_topological_order_puts_every_node_after_its_dependencies():
    parents = {"c": ["a", "b"], "b": ["a"], "d": ["c"]}
    order = topological_order(["d", "c", "b", "a"], parents)
    assert set(order) == {"a", "b", "c", "d"}
    for child, deps in parents.items():
        assert all(order.index(dep) < order.index(child) for dep in deps)


def test_a_cycle_is_refused_naming_the_stuck_nodes_in_input_order():
    with pytest.raises(CycleError) as caught:
        topological_order(["a", "b", "c", "root"], {"a": ["c"], "b": ["a"], "c": ["b"]})
    assert caught.value.stuck == ["a", "b", "c"]


def test_each_node_is_one_layer_after_its_deepest_dependency():
    parents = {"b": ["a"], "c": ["b"], "d": ["a", "c"]}
    assert layer_of(["a", "b", "c", "d"], parents) == {"a": 0, "b": 1, "c": 2, "d": 3}


def test_parents_outside_the_nodes_are_ignored():
    assert layer_of([1, 2], {2: [1, 99]}) == {1: 0, 2: 1}


def test_layers_are_ordered_by_the_mean_position_of_dependencies():
    # Roots a, b in input order; x depends on b, y on a: y comes first to avoid a crossing.
    layers = ordered_layers(["a", "b", "x", "y"], {"x": ["b"], "y": ["a"]})
    assert layers == [["a", "b"], ["y", "x"]]


def test_a_long_chain_does_not_recurse():
    nodes = list(range(5000))
    parents = {n: [n - 1] for n in nodes[1:]}
    assert layer_of(nodes, parents)[4999] == 4999
