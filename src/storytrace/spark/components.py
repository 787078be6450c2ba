"""Connected components of a graph held as a Spark RDD of edges, without graphframes.

graphframes would need its jar downloaded at run time; the alternating large-star / small-star
algorithm (Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014) needs
only ``groupByKey`` and converges in O(log^2 n) rounds, where label propagation needs as many
rounds as the graph's diameter (long chains of copied articles are common).

Nodes are any orderable, hashable values; a component is labelled by its smallest node, so
labels are the same on every run and every partitioning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark import RDD

# Each round is two shuffles; 2**(rounds/2) far exceeds any real graph.
MAX_ROUNDS = 64
# Graphs up to this many edges are solved on the driver (see connected_components).
LOCAL_MAX_EDGES = 1_000_000


def _large_star(item: tuple[Any, Iterable[Any]]) -> Iterator[tuple[Any, Any]]:
    """Link every larger neighbour of ``node`` to the smallest of its closed neighbourhood."""
    node, neighbours = item
    seen = set(neighbours)
    low = min(seen | {node})
    for other in seen:
        if other > node:
            yield (other, low)


def _small_star(item: tuple[Any, Iterable[Any]]) -> Iterator[tuple[Any, Any]]:
    """Link ``node`` and its smaller neighbours to the smallest of them."""
    node, neighbours = item
    smaller = {other for other in neighbours if other <= node} | {node}
    low = min(smaller)
    for other in smaller:
        if other != low:
            yield (other, low)


def _both_ways(edge: tuple[Any, Any]) -> list[tuple[Any, Any]]:
    return [edge, (edge[1], edge[0])]


def connected_components(edges: RDD[Any], local_max_edges: int = LOCAL_MAX_EDGES) -> RDD[Any]:
    """``(node, label)`` for every node of an edge; the label is the component's least node.

    Self-loops are ignored (a node with only a self-loop is its own component); isolated nodes
    do not appear (callers label them with themselves). A graph of at most ``local_max_edges``
    edges is solved on the driver with a union-find (each Spark round costs seconds of
    scheduling; a million edges fit in driver memory); larger ones run distributed.
    """
    small_graph = edges.filter(lambda e: e[0] != e[1]).take(local_max_edges + 1)
    if len(small_graph) <= local_max_edges:
        return edges.context.parallelize(sorted(_union_find(small_graph).items()))
    return _star_rounds(edges)


def _union_find(edges: Iterable[tuple[Any, Any]]) -> dict[Any, Any]:
    parent: dict[Any, Any] = {}

    def find(node: Any) -> Any:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: find(node) for node in parent}


def _star_rounds(edges: RDD[Any]) -> RDD[Any]:
    """Alternating large-star and small-star rounds until the edge set stops changing."""
    current = edges.filter(lambda e: e[0] != e[1]).map(lambda e: (max(e), min(e))).distinct()
    current.cache()
    for _ in range(MAX_ROUNDS):
        large = current.flatMap(_both_ways).groupByKey().flatMap(_large_star).distinct()
        small = large.map(lambda e: (max(e), min(e))).groupByKey().flatMap(_small_star).distinct()
        small.cache()
        unchanged = small.subtract(current).union(current.subtract(small)).isEmpty()
        current.unpersist()
        current = small
        if unchanged:
            break
    # At convergence every component is a star around its least node: (member, centre) edges.
    centres = current.map(lambda e: (e[1], e[1])).distinct()
    return current.union(centres).reduceByKey(min)


def label_all(nodes: RDD[Any], labels: RDD[Any]) -> RDD[Any]:
    """``(node, label)`` for every node: the component label, or the node itself if isolated."""
    return (
        nodes.map(lambda n: (n, None))
        .leftOuterJoin(labels)
        .map(lambda item: (item[0], item[1][1] if item[1][1] is not None else item[0]))
    )
