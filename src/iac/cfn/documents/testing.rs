//! What the documents' tests share: a template's text built into documents, and a
//! document found by its logical id.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{build, Built, Documents};
use crate::iac::cfn::load::{parse, Read};
use crate::iac::cfn::resolve::evaluate;
use crate::model::aws::Place;

/// The documents of a template's resources, which must all evaluate (region eu-west-1).
pub(crate) fn build_text(text: &str) -> Documents {
    let t = match parse("t.yaml", text).unwrap() {
        Read::Template(t) => *t,
        Read::Other => panic!("not a template"),
    };
    let e = evaluate(&t, &BTreeMap::new());
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let place = Place {
        account: "",
        region: "eu-west-1",
    };
    build(&e.resources, &place, &|l: &str| format!("t.yaml#{l}"))
}

pub(crate) fn built<'d>(d: &'d Documents, id: &str) -> &'d Built {
    d.built
        .iter()
        .find(|b| b.logical_id == id)
        .unwrap_or_else(|| panic!("no {id}: {:?}", d.errors))
}

/// A document, unknown values at their passing extreme.
pub(crate) fn config<'d>(d: &'d Documents, id: &str) -> &'d Value {
    &built(d, id).resource.config
}
