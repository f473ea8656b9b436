//! FHIR R4 (4.0.1) output: one Bundle (type `collection`) per record.
//!
//! A scored record's Bundle holds a QuestionnaireResponse (the answers
//! after skip logic, LOINC-coded where the rule set gives codes), an
//! Observation per scale total and per rating, one for the recommended
//! level and one for the crisis route, a Flag per raised flag, the note as
//! a DocumentReference (LOINC 57133-1) and a Provenance. A rejected
//! record's Bundle holds an OperationOutcome (an issue per problem), the
//! Flags its answers establish, the note of an incomplete record and the
//! Provenance. What has no LOINC code is coded in the rule set's own code
//! system (`fhir.code_system`); the codes are listed in the README.
//!
//! Ids are UUIDv5 over the rule set's hash, the record id, the kept
//! columns' values and the resource's role, so a re-run gives the same
//! ids; references between entries are their `urn:uuid:` full URLs.

use std::borrow::Cow;

use base64::Engine;
use serde::Serialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::answers::Answers;
use crate::assess::{Assessment, Warning};
use crate::error::AnswerError;
use crate::model::{FlagIx, Item, ItemKind, IxVec, RuleSet, ScaleIx};
use crate::report::note::NoteFormat;
use crate::report::words;

const LOINC: &str = "http://loinc.org";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const FLAG_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/flag-category";
const PARTICIPANT: &str = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
/// LOINC: referral note.
const REFERRAL_NOTE: &str = "57133-1";

/// The record a Bundle is about: its id, and the kept columns' values
/// (REDCap's repeated events share an id, not these).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject<'a> {
    pub(crate) id: &'a str,
    pub(crate) keep: &'a [&'a str],
    /// Its row as a spreadsheet numbers it: what names a row without an id.
    pub(crate) row: u64,
    /// The first row with this row's id and kept values, when an earlier
    /// row has them: the row then names its resources too, so that an
    /// importer does not write one screen over another.
    pub(crate) repeat_of: Option<u64>,
}

/// The note of a Bundle: its text and form.
pub(crate) struct Note<'a> {
    pub(crate) text: &'a str,
    pub(crate) format: NoteFormat,
}

/// Renders Bundles for one rule set and run.
pub(crate) struct FhirWriter<'a> {
    rules: &'a RuleSet,
    /// `YYYY-MM-DD`, the date the notes carry: the QuestionnaireResponse's
    /// `authored` and the Observations' `effectiveDateTime`; empty for none.
    date: String,
    /// Provenance `recorded`: the instant of the run.
    recorded: String,
    namespace: Uuid,
}

impl<'a> FhirWriter<'a> {
    pub(crate) fn new(rules: &'a RuleSet, date: &str, recorded: &str) -> Self {
        FhirWriter {
            rules,
            date: date.to_string(),
            recorded: recorded.to_string(),
            namespace: Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:carescreen"),
        }
    }

    /// The Bundle of a scored record. `langs` gives the language each
    /// instrument was asked in (instrument id, code); an instrument it
    /// does not name was in the rule set's wording for it. `remarks` are
    /// notes on the level (an interview's disposition).
    pub(crate) fn scored(
        &self,
        subject: Subject<'_>,
        a: &Assessment,
        note: Option<Note<'_>>,
        langs: &[(&str, &str)],
        remarks: &[String],
    ) -> Bundle<'a> {
        let rules = self.rules;
        let mut bundle = Entries::new(self, subject);
        // The answers after skip logic, and the answers to skipped
        // questions that count for safety: a re-scorer must see them.
        let mut values: Vec<Option<i64>> = (0..rules.items.len())
            .map(|i| a.values[i].filter(|_| a.shown[i]))
            .collect();
        for w in &a.warnings {
            if let Warning::HiddenValueKept { item, value, .. } = w {
                values[*item] = Some(*value);
            }
        }
        let responses = self.responses(&mut bundle, subject, &values, "completed", langs);

        let mut derived: Vec<Value> = responses.iter().map(|(_, url)| reference(url)).collect();
        for (s, result) in a.scales.iter_ix() {
            let Some(score) = result.score else { continue };
            let prorated = result.prorated.then_some(result.missing);
            let url = self.total(
                &mut bundle,
                subject,
                s,
                (score, result.band),
                prorated,
                &responses,
            );
            derived.push(reference(&url));
        }
        let answered: Vec<Value> = responses.iter().map(|(_, url)| reference(url)).collect();
        for (r, rating) in rules.ratings.iter_ix() {
            let grade = &rating.grades[a.ratings[r]];
            let url = bundle.url(&format!("Observation/rating/{}", rating.id));
            let code = self.code_of(
                rating.loinc.as_deref(),
                &format!("rating.{}", rating.id),
                &rating.title,
            );
            let mut obs = self.observation(subject, code, answered.clone());
            obs.insert(
                "valueCodeableConcept".into(),
                self.concept(&format!("{}.{}", rating.id, grade.id), &grade.label),
            );
            derived.push(reference(&url));
            bundle.push(&url, Value::Object(obs));
        }

        let level = &rules.levels[a.level];
        let url = bundle.url("Observation/level");
        let code = self.concept("level-of-care", self.words().fhir_level());
        let mut obs = self.observation(subject, code, derived.clone());
        obs.insert(
            "valueCodeableConcept".into(),
            self.concept(&format!("level.{}", level.id), &level.name),
        );
        let mut notes: Vec<Value> = a
            .reasons(rules)
            .iter()
            .map(|r| json!({"text": words::reason(rules, r)}))
            .collect();
        notes.extend(
            a.warnings
                .iter()
                .map(|w| json!({"text": words::warning(rules, w)})),
        );
        notes.extend(remarks.iter().map(|r| json!({"text": r})));
        if !notes.is_empty() {
            obs.insert("note".into(), Value::Array(notes));
        }
        bundle.push(&url, Value::Object(obs));
        self.crisis(&mut bundle, subject, a.crisis, derived);

        let raised: Vec<FlagIx> = a.raised_flags(rules).collect();
        self.close(bundle, subject, &raised, note)
    }

    /// The Bundle of a rejected record: what is wrong with it, the answers
    /// given (an `in-progress` response), and what they already establish.
    pub(crate) fn rejected(
        &self,
        subject: Subject<'_>,
        answers: &Answers,
        problems: &[AnswerError],
        flags: &[FlagIx],
        warnings: &[Warning],
        note: Option<Note<'_>>,
    ) -> Bundle<'a> {
        let rules = self.rules;
        let mut bundle = Entries::new(self, subject);
        let url = bundle.url("OperationOutcome");
        let mut issues: Vec<Value> = problems.iter().map(|p| self.issue(p)).collect();
        issues.extend(warnings.iter().map(|w| {
            json!({
                "severity": "warning",
                "code": "informational",
                "diagnostics": words::warning(rules, w),
            })
        }));
        bundle.push(&url, outcome(issues));
        let responses = self.responses(&mut bundle, subject, answers.values(), "in-progress", &[]);
        // Unknown unless a flag its answers establish is a crisis flag.
        if flags.iter().any(|&f| rules.flags[f].crisis) {
            let from = responses.iter().map(|(_, url)| reference(url)).collect();
            self.crisis(&mut bundle, subject, true, from);
        }
        self.close(bundle, subject, flags, note)
    }

    /// The Bundle of an incomplete screen (instruments not collected): the
    /// answers and totals it holds and the flags they establish, no level;
    /// the crisis route only when an established flag is a crisis flag.
    pub(crate) fn incomplete(
        &self,
        subject: Subject<'_>,
        answers: &Answers,
        scores: &IxVec<ScaleIx, Option<(i64, Option<usize>)>>,
        flags: &[FlagIx],
        warnings: &[Warning],
        note: Option<Note<'_>>,
    ) -> Bundle<'a> {
        let rules = self.rules;
        let mut bundle = Entries::new(self, subject);
        let url = bundle.url("OperationOutcome");
        let issues: Vec<Value> = warnings
            .iter()
            .map(|w| {
                let code = match w {
                    Warning::NotCollected { .. } => "incomplete",
                    _ => "informational",
                };
                json!({"severity": "warning", "code": code, "diagnostics": words::warning(rules, w)})
            })
            .collect();
        bundle.push(&url, outcome(issues));
        let responses = self.responses(&mut bundle, subject, answers.values(), "completed", &[]);
        let mut derived: Vec<Value> = responses.iter().map(|(_, url)| reference(url)).collect();
        for (s, score) in scores.iter_ix() {
            let Some((score, band)) = *score else {
                continue;
            };
            let url = self.total(&mut bundle, subject, s, (score, band), None, &responses);
            derived.push(reference(&url));
        }
        if flags.iter().any(|&f| rules.flags[f].crisis) {
            self.crisis(&mut bundle, subject, true, derived);
        }
        self.close(bundle, subject, flags, note)
    }

    /// A scale's total as an Observation, derived from the responses of
    /// its instruments; its full URL.
    fn total(
        &self,
        bundle: &mut Entries<'a, '_>,
        subject: Subject<'_>,
        s: ScaleIx,
        (score, band): (i64, Option<usize>),
        prorated: Option<u32>,
        responses: &[(usize, String)],
    ) -> String {
        let rules = self.rules;
        let scale = &rules.scales[s];
        let url = bundle.url(&format!("Observation/scale/{}", scale.id));
        let code = self.code_of(
            scale.loinc.as_deref(),
            &format!("score.{}", scale.id),
            &scale.title,
        );
        let from: Vec<Value> = responses
            .iter()
            .filter(|(ins, _)| {
                scale
                    .items
                    .iter()
                    .any(|&i| rules.items[i].instrument == *ins)
            })
            .map(|(_, url)| reference(url))
            .collect();
        let mut obs = self.observation(subject, code, from);
        obs.insert("valueInteger".into(), json!(score));
        if let Some(band) = band.map(|b| &scale.bands[b]) {
            obs.insert(
                "interpretation".into(),
                Value::Array(vec![
                    self.concept(&format!("{}.{}", scale.id, band.id), &band.label)
                ]),
            );
        }
        if let Some(missing) = prorated {
            obs.insert(
                "note".into(),
                json!([{"text": self.words().fhir_prorated(missing)}]),
            );
        }
        bundle.push(&url, Value::Object(obs));
        url
    }

    /// A Bundle's last entries: the Flags, the note and the Provenance.
    fn close(
        &self,
        mut bundle: Entries<'a, '_>,
        subject: Subject<'_>,
        flags: &[FlagIx],
        note: Option<Note<'_>>,
    ) -> Bundle<'a> {
        self.flags(&mut bundle, subject, flags);
        if let Some(note) = note {
            self.document(&mut bundle, subject, note);
        }
        self.provenance(&mut bundle);
        bundle.finish()
    }

    /// The crisis route as an Observation.
    fn crisis(
        &self,
        bundle: &mut Entries<'a, '_>,
        subject: Subject<'_>,
        crisis: bool,
        from: Vec<Value>,
    ) {
        let url = bundle.url("Observation/crisis");
        let code = self.concept("crisis", self.words().fhir_crisis());
        let mut obs = self.observation(subject, code, from);
        obs.insert("valueBoolean".into(), json!(crisis));
        bundle.push(&url, Value::Object(obs));
    }

    /// One problem of a rejected record, pointing to its item.
    fn issue(&self, problem: &AnswerError) -> Value {
        let (code, item) = match problem {
            AnswerError::Missing { item } => ("required", Some(item.as_str())),
            AnswerError::Invalid { item, .. } => ("value", Some(item.as_str())),
            AnswerError::TooManyMissing { item, .. } => ("required", Some(item.as_str())),
            AnswerError::Mapped { item, .. } => ("value", Some(item.as_str())),
            AnswerError::FieldCount { .. } => ("structure", None),
            AnswerError::Column { .. } => ("required", None),
        };
        let mut issue = Map::new();
        issue.insert("severity".into(), json!("error"));
        issue.insert("code".into(), json!(code));
        if let Some(item) = item.and_then(|i| self.rules.item_index(i)) {
            let item = &self.rules.items[item];
            issue.insert("details".into(), self.item_code(item));
            issue.insert(
                "expression".into(),
                json!([format!(
                    "QuestionnaireResponse.item.where(linkId='{}')",
                    item.id
                )]),
            );
        }
        issue.insert("diagnostics".into(), json!(problem.to_string()));
        Value::Object(issue)
    }

    /// A QuestionnaireResponse per instrument with an answer in `values`
    /// (by item), pushed; their instruments and full URLs.
    fn responses(
        &self,
        bundle: &mut Entries<'a, '_>,
        subject: Subject<'_>,
        values: &[Option<i64>],
        status: &'static str,
        langs: &[(&str, &str)],
    ) -> Vec<(usize, String)> {
        let rules: &'a RuleSet = self.rules;
        let mut made = Vec::new();
        for (n, instrument) in rules.instruments.iter().enumerate() {
            let lang = langs
                .iter()
                .find(|(id, _)| *id == instrument.id)
                .map_or(instrument.wording_lang.as_str(), |(_, lang)| lang);
            let items: Vec<ResponseItem<'a>> = instrument
                .items
                .clone()
                .filter_map(|i| {
                    let item = &rules.items[i];
                    let answer = self.answer(item, values.get(i).copied().flatten()?, lang)?;
                    Some(ResponseItem {
                        link_id: &item.id,
                        text: &item.text,
                        answer: [answer],
                    })
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            let url = bundle.url(&format!("QuestionnaireResponse/{}", instrument.id));
            let response = Response {
                resource_type: "QuestionnaireResponse",
                id: url.trim_start_matches("urn:uuid:").to_string(),
                meta: json!({"tag": [{
                    "system": format!("{}/rule-set", rules.fhir.code_system),
                    "code": rules.sha256,
                    "display": format!("{} {}", rules.name, rules.version),
                }]}),
                language: lang.to_string(),
                questionnaire: format!(
                    "{}/Questionnaire/{}|{}",
                    rules.fhir.code_system, instrument.id, rules.version
                ),
                status,
                subject: self.subject(subject),
                authored: self.date.clone(),
                item: items,
            };
            bundle.push_typed(&url, Resource::Response(Box::new(response)));
            made.push((n, url));
        }
        made
    }

    /// An answer: a LOINC answer code where the rule set gives one, else
    /// the rule set's own code; a number for integer items. LOINC codings
    /// carry LOINC's English display: only an English label is one.
    fn answer(&self, item: &'a Item, value: i64, lang: &str) -> Option<Answer<'a>> {
        let english = lang == "en";
        let own = |label: &'a str| {
            Answer::Coding(Coding {
                system: &self.rules.fhir.code_system,
                code: Cow::Owned(format!("{}.{value}", item.id)),
                display: Some(label),
            })
        };
        let loinc = |code: &'a str, display: &'a str| {
            Answer::Coding(Coding {
                system: LOINC,
                code: Cow::Borrowed(code),
                display: english.then_some(display),
            })
        };
        match &item.kind {
            ItemKind::Choice(options) => {
                let option = options.iter().find(|o| o.code == value)?;
                Some(match &option.loinc {
                    Some(code) => loinc(code, &option.label),
                    None => own(&option.label),
                })
            }
            ItemKind::YesNo { .. } => {
                let yes = value == 1;
                Some(match &item.answer_loinc {
                    // LOINC's displays of LA33-6 and LA32-8.
                    Some((y, _)) if yes => loinc(y, "Yes"),
                    Some((_, n)) => loinc(n, "No"),
                    None => Answer::Boolean(yes),
                })
            }
            ItemKind::Integer { .. } => Some(Answer::Integer(value)),
            ItemKind::Info => None,
        }
    }

    fn item_code(&self, item: &Item) -> Value {
        self.code_of(item.loinc.as_deref(), &item.id, &item.text)
    }

    /// A LOINC code where there is one, else the rule set's own.
    fn code_of(&self, loinc: Option<&str>, own: &str, display: &str) -> Value {
        match loinc {
            // The rule set's wording is no LOINC display name: it is the text.
            Some(code) => json!({
                "coding": [{"system": LOINC, "code": code}],
                "text": display,
            }),
            None => self.concept(own, display),
        }
    }

    /// A concept of the rule set's own code system.
    fn concept(&self, code: &str, display: &str) -> Value {
        json!({
            "coding": [{"system": self.rules.fhir.code_system, "code": code, "display": display}],
            "text": display,
        })
    }

    /// A logical reference to the person: the record id in the rule set's
    /// record system; a row without an id is named by its row alone.
    fn subject(&self, subject: Subject<'_>) -> Value {
        match subject.id.is_empty() {
            true => json!({"display": format!("row {} (no record id)", subject.row)}),
            false => json!({
                "type": "Patient",
                "identifier": {"system": self.rules.fhir.record_system, "value": subject.id},
            }),
        }
    }

    /// An Observation's common part: a survey result about the subject,
    /// derived `from` these resources.
    fn observation(
        &self,
        subject: Subject<'_>,
        code: Value,
        from: Vec<Value>,
    ) -> Map<String, Value> {
        let mut obs = Map::new();
        obs.insert("resourceType".into(), json!("Observation"));
        obs.insert("status".into(), json!("final"));
        obs.insert(
            "category".into(),
            json!([{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}]),
        );
        obs.insert("code".into(), code);
        obs.insert("subject".into(), self.subject(subject));
        if !self.date.is_empty() {
            obs.insert("effectiveDateTime".into(), json!(self.date));
        }
        // FHIR has no empty arrays.
        if !from.is_empty() {
            obs.insert("derivedFrom".into(), Value::Array(from));
        }
        obs
    }

    /// A Flag per flag, most severe first; every safety flag is one.
    fn flags(&self, bundle: &mut Entries<'a, '_>, subject: Subject<'_>, flags: &[FlagIx]) {
        for &f in flags {
            let flag = &self.rules.flags[f];
            let category = match flag.is_safety() {
                true => ("safety", "Safety"),
                false => ("clinical", "Clinical"),
            };
            let url = bundle.url(&format!("Flag/{}", flag.id));
            let mut code = self.concept(&format!("flag.{}", flag.id), &flag.message);
            if let Some(text) = code.get_mut("text") {
                *text = json!(self.words().fhir_flag(
                    &flag.message,
                    flag.severity.as_str(),
                    flag.crisis
                ));
            }
            let mut resource = json!({
                "resourceType": "Flag",
                "status": "active",
                "category": [{"coding": [{
                    "system": FLAG_CATEGORY, "code": category.0, "display": category.1,
                }]}],
                "code": code,
                "subject": self.subject(subject),
            });
            if !self.date.is_empty() {
                resource["period"] = json!({"start": self.date});
            }
            bundle.push(&url, resource);
        }
    }

    fn document(&self, bundle: &mut Entries<'a, '_>, subject: Subject<'_>, note: Note<'_>) {
        let url = bundle.url("DocumentReference");
        let content_type = match note.format {
            NoteFormat::Text => "text/plain; charset=utf-8",
            NoteFormat::Markdown => "text/markdown; charset=utf-8",
        };
        let data = base64::engine::general_purpose::STANDARD.encode(note.text.as_bytes());
        bundle.push(
            &url,
            json!({
                "resourceType": "DocumentReference",
                "status": "current",
                "type": {
                    "coding": [{"system": LOINC, "code": REFERRAL_NOTE, "display": "Referral note"}],
                    "text": self.words().fhir_referral_note(),
                },
                "subject": self.subject(subject),
                "date": self.recorded,
                "content": [{"attachment": {
                    "contentType": content_type,
                    "language": self.rules.lang,
                    "data": data,
                    "title": self.words().fhir_referral_note(),
                }}],
            }),
        );
    }

    /// Who made the Bundle's resources: carescreen, with this rule set.
    fn provenance(&self, bundle: &mut Entries<'a, '_>) {
        let rules = self.rules;
        let url = bundle.url("Provenance");
        let targets: Vec<Value> = bundle.urls.iter().map(|u| reference(u)).collect();
        bundle.push(
            &url,
            json!({
                "resourceType": "Provenance",
                "target": targets,
                "recorded": self.recorded,
                "agent": [{
                    "type": {"coding": [{"system": PARTICIPANT, "code": "assembler", "display": "Assembler"}]},
                    "who": {"display": format!("carescreen {}", env!("CARGO_PKG_VERSION"))},
                }],
                "entity": [{
                    "role": "source",
                    "what": {
                        "identifier": {
                            "system": format!("{}/rule-set", rules.fhir.code_system),
                            "value": rules.sha256,
                        },
                        "display": format!("rule set {} {} (SHA-256 {})", rules.name, rules.version, rules.sha256),
                    },
                }],
            }),
        );
    }

    /// The words of the rule set's language.
    fn words(&self) -> crate::messages::Lang {
        crate::messages::Lang::of(&self.rules.lang)
    }

    /// The UUIDv5 of a resource of a record.
    fn uuid(&self, subject: Subject<'_>, role: &str) -> Uuid {
        // Each part length-prefixed, so no two lists of parts read alike.
        let mut name = String::new();
        let row = format!("row {}", subject.row);
        let record = match subject.id.is_empty() {
            true => row.as_str(),
            false => subject.id,
        };
        let repeat = subject.repeat_of.map(|_| row.as_str());
        let parts = [self.rules.sha256.as_str(), record]
            .into_iter()
            .chain(subject.keep.iter().copied())
            .chain(repeat)
            .chain([role]);
        for part in parts {
            name.push_str(&format!("{}:{part};", part.len()));
        }
        Uuid::new_v5(&self.namespace, name.as_bytes())
    }
}

/// A Bundle, as written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Bundle<'a> {
    resource_type: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    entry: Vec<Entry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    full_url: String,
    resource: Resource<'a>,
}

/// An entry's resource: a QuestionnaireResponse, typed (the bulk of a
/// Bundle, so built without a map per answer), or another as JSON.
#[derive(Serialize)]
#[serde(untagged)]
enum Resource<'a> {
    Response(Box<Response<'a>>),
    Json(Value),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    resource_type: &'static str,
    id: String,
    meta: Value,
    language: String,
    questionnaire: String,
    status: &'static str,
    subject: Value,
    #[serde(skip_serializing_if = "String::is_empty")]
    authored: String,
    item: Vec<ResponseItem<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseItem<'a> {
    link_id: &'a str,
    text: &'a str,
    answer: [Answer<'a>; 1],
}

/// `{"valueCoding": …}`, `{"valueBoolean": …}` or `{"valueInteger": …}`.
#[derive(Serialize)]
enum Answer<'a> {
    #[serde(rename = "valueCoding")]
    Coding(Coding<'a>),
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
    #[serde(rename = "valueInteger")]
    Integer(i64),
}

#[derive(Serialize)]
struct Coding<'a> {
    system: &'a str,
    code: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<&'a str>,
}

/// A Bundle's entries as they are added.
struct Entries<'a, 'w> {
    writer: &'w FhirWriter<'a>,
    subject: Subject<'w>,
    urls: Vec<String>,
    entries: Vec<Entry<'a>>,
}

impl<'a, 'w> Entries<'a, 'w> {
    fn new(writer: &'w FhirWriter<'a>, subject: Subject<'w>) -> Self {
        Entries {
            writer,
            subject,
            urls: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// The full URL of the resource with this role.
    fn url(&self, role: &str) -> String {
        format!("urn:uuid:{}", self.writer.uuid(self.subject, role))
    }

    /// A resource as JSON, its `id` put second, after `resourceType`, as
    /// FHIR's examples have it.
    fn push(&mut self, url: &str, mut resource: Value) {
        if let Some(object) = resource.as_object_mut() {
            let id = url.trim_start_matches("urn:uuid:").to_string();
            let mut ordered = Map::new();
            if let Some(kind) = object.shift_remove("resourceType") {
                ordered.insert("resourceType".into(), kind);
            }
            ordered.insert("id".into(), json!(id));
            ordered.append(object);
            resource = Value::Object(ordered);
        }
        self.push_typed(url, Resource::Json(resource));
    }

    fn push_typed(&mut self, url: &str, resource: Resource<'a>) {
        self.urls.push(url.to_string());
        self.entries.push(Entry {
            full_url: url.to_string(),
            resource,
        });
    }

    fn finish(self) -> Bundle<'a> {
        Bundle {
            resource_type: "Bundle",
            id: self.writer.uuid(self.subject, "Bundle").to_string(),
            kind: "collection",
            timestamp: self.writer.recorded.clone(),
            entry: self.entries,
        }
    }
}

/// An object of these members, in this order; the values moved, not
/// copied as `json!` copies a `Value` it is given.
fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// An OperationOutcome of these issues.
fn outcome(issues: Vec<Value>) -> Value {
    object([
        ("resourceType", json!("OperationOutcome")),
        ("issue", Value::Array(issues)),
    ])
}

fn reference(url: &str) -> Value {
    json!({"reference": url})
}

#[cfg(test)]
mod tests {
    use super::{FhirWriter, Subject};

    fn rules() -> crate::model::RuleSet {
        crate::rules::load(&crate::rules::RulesSource::Embedded).expect("built-in rules")
    }

    #[test]
    fn ids_change_with_the_record_its_kept_values_the_role_and_the_rules() {
        let mut rules = rules();
        let writer = FhirWriter::new(&rules, "", "");
        let subject = |id, keep| Subject {
            id,
            keep,
            row: 2,
            repeat_of: None,
        };
        let base = writer.uuid(subject("c1", &["baseline_arm_1"]), "Bundle");
        assert_eq!(
            base,
            writer.uuid(subject("c1", &["baseline_arm_1"]), "Bundle")
        );
        let others = [
            writer.uuid(subject("c2", &["baseline_arm_1"]), "Bundle"),
            writer.uuid(subject("c1", &["week_4_arm_1"]), "Bundle"),
            writer.uuid(subject("c1", &["baseline_arm_1"]), "Flag/suicidal_ideation"),
            // The parts are length-prefixed: no two splits read alike.
            writer.uuid(subject("c1b", &["aseline_arm_1"]), "Bundle"),
        ];
        assert!(others.iter().all(|&u| u != base), "{others:?}");
        assert_eq!(base.get_version_num(), 5);
        // A row without an id is named by its row.
        let row = |row| {
            let subject = Subject {
                id: "",
                keep: &[],
                row,
                repeat_of: None,
            };
            writer.uuid(subject, "Bundle")
        };
        assert_ne!(row(2), row(3));
        // A repeated id names its row too; the first row keeps its ids.
        let repeat = Subject {
            repeat_of: Some(2),
            row: 5,
            ..subject("c1", &["baseline_arm_1"])
        };
        assert_ne!(writer.uuid(repeat, "Bundle"), base);
        drop(writer);
        rules.sha256 = "0".repeat(64);
        let other = FhirWriter::new(&rules, "", "");
        assert_ne!(
            other.uuid(subject("c1", &["baseline_arm_1"]), "Bundle"),
            base
        );
    }
}
