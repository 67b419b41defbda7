"""List what a Python program uses of the generated nhi-governance SDK (`nhi.aws.<Name>(...)`
calls with their keyword arguments, and `nhi.aws.<Enum>.<MEMBER>` references), as JSON, so that a
test can check them against the provider's schema without generating the SDK."""
import ast
import json
import sys

tree = ast.parse(open(sys.argv[1]).read(), sys.argv[1])
alias = "nhi"
for node in ast.walk(tree):
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name == "pulumi_nhi_governance":
                alias = a.asname or a.name


def sdk_path(expr):
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.insert(0, expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name) and expr.id == alias:
        return parts
    return None


calls, enums = [], []
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        path = sdk_path(node.func)
        if path:
            calls.append({"path": path, "keywords": [k.arg for k in node.keywords], "positional": len(node.args), "line": node.lineno})
    elif isinstance(node, ast.Attribute) and not isinstance(getattr(node, "ctx", None), ast.Store):
        path = sdk_path(node)
        if path and len(path) == 3:
            enums.append({"path": path, "line": node.lineno})
print(json.dumps({"alias": alias, "calls": calls, "enums": enums}))
