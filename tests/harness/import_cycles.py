"""An import-linter contract: no module imports, however indirectly, a module that imports it.

import-linter's own ``acyclic_siblings`` judges whole packages, so a demo package that
imports demos.connection while the connection's seed reads that package's models
counts as a cycle though no module ever comes back to itself. This contract looks at
modules alone, and counts every import grimp sees: top-level, in a function, under
TYPE_CHECKING.
"""

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain.contract import Contract, ContractCheck


def cycles(graph: ImportGraph) -> list[tuple[str, ...]]:
    """Each cycle once, as the chain of modules from its first module back to it."""
    found: dict[frozenset[str], tuple[str, ...]] = {}
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported == module:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                found.setdefault(frozenset(back), (module, *back))
    return list(found.values())


class NoModuleCycles(Contract):
    type_name = "no_module_cycles"

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        found = cycles(graph)
        return ContractCheck(kept=not found, warnings=[], metadata={"cycles": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(" -> ".join(cycle), bold=False)
            output.new_line()
