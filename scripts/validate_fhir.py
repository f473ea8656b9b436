#!/usr/bin/env python3
"""Check carescreen's FHIR NDJSON with an independent implementation.

    scripts/validate_fhir.py FILE.ndjson [...]

Every line must parse as a FHIR Bundle with the R4B models of the
`fhir.resources` package (structurally R4 for these resources; unknown
fields and missing required elements are errors). On top of that, each
Bundle must be a self-contained `collection`: ids unique, each fullUrl the
`urn:uuid:` of its resource's id, every reference resolving to an entry,
required codes from their value sets, LOINC codes well formed with a right
check digit, and every Observation derived from a resource in the Bundle.
Exits 1 naming each problem (file:line), 0 when every Bundle passes.
"""

import json
import re
import sys

from fhir.resources.R4B.bundle import Bundle

LOINC = "http://loinc.org"
STATUS = {
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    "Observation": {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                    "entered-in-error", "unknown"},
    "Flag": {"active", "inactive", "entered-in-error"},
    "DocumentReference": {"current", "superseded", "entered-in-error"},
}
ISSUE_SEVERITY = {"fatal", "error", "warning", "information"}
ISSUE_TYPE = {
    "invalid", "structure", "required", "value", "invariant", "security", "login", "unknown",
    "expired", "forbidden", "suppressed", "processing", "not-supported", "duplicate",
    "multiple-matches", "not-found", "deleted", "too-long", "code-invalid", "extension",
    "too-costly", "business-rule", "conflict", "transient", "lock-error", "no-store",
    "exception", "timeout", "incomplete", "throttled", "informational",
}
UUID_URL = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def loinc_ok(code):
    """A LOINC part code `NNNNN-C` with its mod-10 check digit, or an LA answer code."""
    if re.fullmatch(r"LA\d{1,6}-\d", code):
        return True
    m = re.fullmatch(r"(\d{1,7})-(\d)", code)
    if not m:
        return False
    digits = [int(d) for d in m.group(1)]
    total = 0
    # Luhn over the digits, the rightmost doubled.
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(m.group(2))


def walk(value, path=""):
    """Every (path, dict) in a JSON value."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")


def check(bundle):
    """Problems of one Bundle beyond its structure."""
    problems = []
    if bundle.get("type") != "collection":
        problems.append(f"Bundle.type is {bundle.get('type')!r}, not 'collection'")
    entries = bundle.get("entry", [])
    urls = set()
    ids = {bundle.get("id")}
    for k, entry in enumerate(entries):
        resource = entry.get("resource", {})
        url = entry.get("fullUrl", "")
        if not UUID_URL.match(url):
            problems.append(f"entry {k}: fullUrl {url!r} is not a UUIDv5 urn")
        if url != f"urn:uuid:{resource.get('id')}":
            problems.append(f"entry {k}: fullUrl {url!r} is not its resource's id")
        if resource.get("id") in ids:
            problems.append(f"entry {k}: id {resource.get('id')} is used twice")
        ids.add(resource.get("id"))
        urls.add(url)
    for k, entry in enumerate(entries):
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind in STATUS and resource.get("status") not in STATUS[kind]:
            problems.append(f"entry {k}: {kind}.status {resource.get('status')!r} is not a code")
        if kind == "Observation" and not resource.get("derivedFrom"):
            problems.append(f"entry {k}: Observation without derivedFrom")
        if kind == "OperationOutcome":
            for issue in resource.get("issue", []):
                if issue.get("severity") not in ISSUE_SEVERITY or issue.get("code") not in ISSUE_TYPE:
                    problems.append(f"entry {k}: issue {issue.get('severity')}/{issue.get('code')} is not coded")
        if kind in ("QuestionnaireResponse", "Observation", "Flag", "DocumentReference"):
            subject = resource.get("subject", {})
            ident = subject.get("identifier", {})
            named = ident.get("system") and ident.get("value")
            if not named and not subject.get("display", "").endswith("(no record id)"):
                problems.append(f"entry {k}: {kind}.subject is no identifier with a system")
        for path, node in walk(resource):
            ref = node.get("reference")
            if isinstance(ref, str) and ref not in urls:
                problems.append(f"entry {k}{path}: reference {ref} is not in the Bundle")
            if node.get("system") == LOINC and "code" in node and not loinc_ok(node["code"]):
                problems.append(f"entry {k}{path}: {node['code']} is no well-formed LOINC code")
    return problems


def main(paths):
    failed = 0
    bundles = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                bundles += 1
                where = f"{path}:{n}"
                try:
                    Bundle.model_validate_json(line)
                except Exception as err:  # noqa: BLE001 (pydantic's errors, shown whole)
                    failed += 1
                    print(f"{where}: not a valid R4 Bundle:\n{err}", file=sys.stderr)
                    continue
                problems = check(json.loads(line))
                for p in problems:
                    print(f"{where}: {p}", file=sys.stderr)
                failed += bool(problems)
    print(f"{bundles} Bundle(s) checked, {failed} with problems", file=sys.stderr)
    if bundles == 0:
        print("no Bundle to check", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
