use super::Status;

/// Template contexts use `key()`, release.json uses serde: one name.
#[test]
fn status_key_is_the_serialized_name() {
    for s in [
        Status::Met,
        Status::NotMet,
        Status::Pending,
        Status::NotApplicable,
        Status::Warning,
    ] {
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.key())
        );
    }
}
