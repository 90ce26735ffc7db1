//! `relnotes check --format json` against its documented schema
//! (book/src/check-report.schema.json).

use serde_json::Value;

use crate::harness::{case_repo, run_in};

/// A small validator for the part of JSON Schema the report schema uses:
/// type, enum, required, properties, items.
fn validate(schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !ok {
            errors.push(format!("{path}: {actual}, expected {types:?}"));
        }
    }
    if let Some(Value::Array(options)) = schema.get("enum") {
        if !options.contains(value) {
            errors.push(format!("{path}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(Value::Array(req)), Value::Object(map)) = (schema.get("required"), value) {
        for r in req.iter().filter_map(Value::as_str) {
            if !map.contains_key(r) {
                errors.push(format!("{path}: missing `{r}`"));
            }
        }
    }
    if let (Some(Value::Object(props)), Value::Object(map)) = (schema.get("properties"), value) {
        for (k, s) in props {
            if let Some(v) = map.get(k) {
                validate(s, v, &format!("{path}.{k}"), errors);
            }
        }
    }
    if let (Some(items), Value::Array(arr)) = (schema.get("items"), value) {
        for (i, v) in arr.iter().enumerate() {
            validate(items, v, &format!("{path}[{i}]"), errors);
        }
    }
}

fn report(args: &[&str]) -> (i32, Value) {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("check-ready", tmp.path());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (code, stdout, stderr) = run_in(tmp.path(), &args);
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}")),
    )
}

#[test]
fn json_report_follows_its_documented_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../book/src/check-report.schema.json")).unwrap();
    for (args, want_code) in [
        (&["check", "--tag", "v1.1.0", "--format", "json"][..], 0),
        (
            &[
                "check",
                "--tag",
                "v2.0.0",
                "--format",
                "json",
                "--stage",
                "post-deploy",
            ][..],
            0,
        ),
        (
            &[
                "check",
                "--unreleased",
                "--version",
                "2.1.0",
                "--format",
                "json",
            ][..],
            1,
        ),
    ] {
        let (code, report) = report(args);
        let mut errors = Vec::new();
        validate(&schema, &report, "$", &mut errors);
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        assert_eq!(code, want_code, "{args:?}");
        let items = report["items"].as_array().unwrap();
        assert!(items.len() > 30, "{args:?}: only {} items", items.len());
        // `ready` is exactly "nothing blocks", and counts add up.
        let blocking = items.iter().any(|i| i["blocking"] == true);
        assert_eq!(report["ready"], !blocking);
        let total: u64 = ["met", "not_met", "pending", "not_applicable", "warning"]
            .iter()
            .map(|k| report["counts"][k].as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, items.len());
    }
}

#[test]
fn later_stage_items_are_pending_not_failed() {
    let (code, r) = report(&[
        "check",
        "--unreleased",
        "--version",
        "2.1.0",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let item = |id: &str| {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap()
    };
    // Unreleased work has no metadata: production deploy is a later stage.
    assert_eq!(item("deployment.production")["status"], "pending");
    assert_eq!(item("deployment.production")["blocking"], false);
    assert_eq!(item("signoff.qa")["status"], "not_met");
    assert!(item("signoff.qa")["hint"]
        .as_str()
        .unwrap()
        .contains(".relnotes/releases/2.1.0.yaml"));
}

/// `check --product --format json` of a monorepo (issue 17) follows
/// book/src/check-product-report.schema.json: each package release with the
/// single-release fields, `ready` exactly when every package is.
#[test]
fn product_report_follows_its_documented_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../book/src/check-product-report.schema.json")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    case_repo("monorepo", tmp.path());
    let args: Vec<String> = ["check", "--product", "2026.02", "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (code, stdout, stderr) = run_in(tmp.path(), &args);
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let mut errors = Vec::new();
    validate(&schema, &report, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    let packages = report["packages"].as_array().unwrap();
    let ids: Vec<&str> = packages
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["api", "cli", "web"], "by package id");
    let all_ready = packages.iter().all(|p| p["ready"] == true);
    assert_eq!(report["ready"], all_ready);
    assert_eq!(code, if all_ready { 0 } else { 1 });
    // The single-release schema's item rules hold for every package too.
    let single: Value =
        serde_json::from_str(include_str!("../book/src/check-report.schema.json")).unwrap();
    for p in packages {
        let mut errors = Vec::new();
        validate(
            &single["properties"]["items"],
            &p["items"],
            "$.items",
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
