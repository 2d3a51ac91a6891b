//! The walk of serde_json's parser by the schema: seeds that write each value's Avro bytes as
//! the parser reaches it, records through slots of a reused scratch stack.

use std::fmt;
use std::mem;

use mesh_avro::codec::encode::{write_block_len, write_end_of_blocks, write_str};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize as _;
use serde_json::value::RawValue;

use super::error::{Failure, Found, Problem, Step};
use super::scalar::{Number, Scalar};
use super::{Node, NodeId, Plan, RecordPlan, MAX_NESTING};

/// Buffers reused from line to line.
#[derive(Default)]
pub(super) struct Scratch {
    /// A stack of byte buffers: a record's fields, an array's or map's items, while they are read.
    slots: Vec<Vec<u8>>,
    /// Whether each slot of a record holds its field already.
    filled: Vec<bool>,
    /// Slots in use (the stack's height; the buffers above keep their allocations).
    used: usize,
    /// The byte ranges of the keys of the maps being read, in their body buffers.
    keys: Vec<(usize, usize)>,
    /// Objects and arrays open around the current value.
    depth: u32,
    /// The encoder's own reason a line failed, if it failed on data rather than syntax.
    pub(super) failure: Option<Failure>,
}

impl Scratch {
    pub(super) fn reset(&mut self) {
        self.used = 0;
        self.keys.clear();
        self.depth = 0;
        self.failure = None;
    }

    /// Takes `n` empty slots off the stack; returns the first.
    fn reserve(&mut self, n: usize) -> usize {
        let base = self.used;
        self.used += n;
        if self.slots.len() < self.used {
            self.slots.resize_with(self.used, Vec::new);
            self.filled.resize(self.used, false);
        }
        for slot in &mut self.slots[base..self.used] {
            slot.clear();
        }
        self.filled[base..self.used].fill(false);
        base
    }

    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.fail(Problem::TooDeep));
        }
        Ok(())
    }

    /// Records the line's failure; the returned error carries no text (serde needs one).
    #[cold]
    fn fail<E: de::Error>(&mut self, problem: Problem) -> E {
        self.failure = Some(Failure { problem, steps: Vec::new() });
        E::custom("")
    }

    #[cold]
    fn fail_at<E: de::Error>(&mut self, problem: Problem, step: Step) -> E {
        let error = self.fail(problem);
        self.step(step);
        error
    }

    /// Adds a step to the failure's path as the error goes up through `step`.
    #[cold]
    fn step(&mut self, step: Step) {
        if let Some(failure) = &mut self.failure {
            failure.steps.push(step);
        }
    }
}

/// One value of type `node`, written to `out`.
pub(super) struct Seed<'p, 's> {
    pub(super) plan: &'p Plan,
    pub(super) scratch: &'s mut Scratch,
    pub(super) node: NodeId,
    pub(super) out: &'s mut Vec<u8>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if !self.plan.raw[self.node as usize] {
            return deserializer.deserialize_any(Visit { seed: self, text: None });
        }
        // A decimal written as a number must not pass through f64: read its text, then the
        // value again from that text, with the text at hand.
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        // Most decimals are a plain string or a number: those need no second parse.
        if let Node::Decimal { .. } = self.plan.nodes[self.node as usize] {
            let plain = match text.as_bytes() {
                [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => text.get(1..text.len() - 1).map(Scalar::Str),
                // The number's value is unused: a decimal reads its text.
                [b'-' | b'0'..=b'9', ..] => Some(Scalar::Number(Number::Signed(0))),
                _ => None,
            };
            if let Some(value) = plain {
                let Seed { plan, scratch, node, out } = self;
                return plan.encode_scalar(node, value, Some(text), out).map_err(|problem| scratch.fail(problem));
            }
        }
        let mut again = serde_json::Deserializer::from_str(text);
        again.deserialize_any(Visit { seed: self, text: Some(text) }).map_err(|_| de::Error::custom(""))
    }
}

struct Visit<'p, 's, 'de> {
    seed: Seed<'p, 's>,
    /// The value's JSON text, for the nodes that read it ([`Plan::raw`]).
    text: Option<&'de str>,
}

impl Visit<'_, '_, '_> {
    fn scalar<E: de::Error>(self, value: Scalar<'_>) -> Result<(), E> {
        let Seed { plan, scratch, node, out } = self.seed;
        plan.encode_scalar(node, value, self.text, out).map_err(|problem| scratch.fail(problem))
    }
}

impl<'de> Visitor<'de> for Visit<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value of the schema")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar(Scalar::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(Scalar::Number(Number::Signed(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::Number(Number::Unsigned(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::Number(Number::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.scalar(Scalar::Str(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let Seed { plan, scratch, node, out } = self.seed;
        let Some(branch) = plan.container_branch(node, true, out) else {
            return Err(scratch.fail(Problem::Mismatch(node, Found::Object)));
        };
        scratch.enter()?;
        match &plan.nodes[branch as usize] {
            Node::Record(record) => read_record(plan, scratch, branch, record, map, out)?,
            Node::Map(values) => read_map(plan, scratch, *values, map, out)?,
            _ => return Err(scratch.fail(Problem::Mismatch(node, Found::Object))),
        }
        scratch.depth -= 1;
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let Seed { plan, scratch, node, out } = self.seed;
        let Some(Node::Array(items)) = plan.container_branch(node, false, out).map(|b| &plan.nodes[b as usize]) else {
            return Err(scratch.fail(Problem::Mismatch(node, Found::Array)));
        };
        scratch.enter()?;
        read_array(plan, scratch, *items, seq, out)?;
        scratch.depth -= 1;
        Ok(())
    }
}

/// A record's fields, each into its slot as its key comes, then joined in schema order.
fn read_record<'de, A: MapAccess<'de>>(
    plan: &Plan,
    scratch: &mut Scratch,
    node: NodeId,
    record: &RecordPlan,
    mut map: A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let base = scratch.reserve(record.fields.len());
    let mut next = 0;
    while let Some(key) = map.next_key_seed(FieldKey { record, next })? {
        let Some(i) = key else {
            map.next_value::<IgnoredAny>()?;
            continue;
        };
        if scratch.filled[base + i] {
            return Err(scratch.fail_at(Problem::Duplicate, Step::Field(node, i)));
        }
        let mut slot = mem::take(&mut scratch.slots[base + i]);
        let seed = Seed { plan, scratch: &mut *scratch, node: record.fields[i].node, out: &mut slot };
        let read = map.next_value_seed(seed);
        scratch.slots[base + i] = slot;
        if let Err(error) = read {
            scratch.step(Step::Field(node, i));
            return Err(error);
        }
        scratch.filled[base + i] = true;
        next = i + 1;
    }
    for (i, field) in record.fields.iter().enumerate() {
        if scratch.filled[base + i] {
            out.extend_from_slice(&scratch.slots[base + i]);
        } else if let Some(bytes) = &field.missing {
            out.extend_from_slice(bytes);
        } else {
            return Err(scratch.fail_at(Problem::Missing, Step::Field(node, i)));
        }
    }
    scratch.used = base;
    Ok(())
}

/// A map's entries into one slot (a block's count comes before its items), then as one block.
fn read_map<'de, A: MapAccess<'de>>(
    plan: &Plan,
    scratch: &mut Scratch,
    values: NodeId,
    mut map: A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let slot = scratch.reserve(1);
    let mut body = mem::take(&mut scratch.slots[slot]);
    let keys = scratch.keys.len();
    let mut count = 0;
    let read = (|| {
        while map.next_key_seed(MapKey { out: &mut body, keys: &mut scratch.keys })?.is_some() {
            let seed = Seed { plan, scratch: &mut *scratch, node: values, out: &mut body };
            if let Err(error) = map.next_value_seed(seed) {
                scratch.step(Step::Value);
                return Err(error);
            }
            count += 1;
        }
        // Sorted by their bytes, repeated keys are neighbours: found without allocating.
        let ranges = &mut scratch.keys[keys..];
        ranges.sort_unstable_by(|a, b| body[a.0..a.1].cmp(&body[b.0..b.1]));
        if ranges.windows(2).any(|pair| body[pair[0].0..pair[0].1] == body[pair[1].0..pair[1].1]) {
            return Err(scratch.fail(Problem::MapKeyTwice));
        }
        Ok(())
    })();
    if read.is_ok() {
        write_block_len(out, count);
        out.extend_from_slice(&body);
        write_end_of_blocks(out);
    }
    scratch.keys.truncate(keys);
    scratch.slots[slot] = body;
    scratch.used = slot;
    read
}

/// An array's items into one slot, then as one block.
fn read_array<'de, A: SeqAccess<'de>>(
    plan: &Plan,
    scratch: &mut Scratch,
    items: NodeId,
    mut seq: A,
    out: &mut Vec<u8>,
) -> Result<(), A::Error> {
    let slot = scratch.reserve(1);
    let mut body = mem::take(&mut scratch.slots[slot]);
    let mut count = 0;
    let read = loop {
        match seq.next_element_seed(Seed { plan, scratch: &mut *scratch, node: items, out: &mut body }) {
            Ok(Some(())) => count += 1,
            Ok(None) => break Ok(()),
            Err(error) => {
                scratch.step(Step::Item(count));
                break Err(error);
            }
        }
    };
    if read.is_ok() {
        write_block_len(out, count);
        out.extend_from_slice(&body);
        write_end_of_blocks(out);
    }
    scratch.slots[slot] = body;
    scratch.used = slot;
    read
}

/// A record's key: the position of the field it names, `None` for a key of no field.
struct FieldKey<'p> {
    record: &'p RecordPlan,
    next: usize,
}

impl<'de> DeserializeSeed<'de> for FieldKey<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldKey<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.record.position(key, self.next))
    }
}

/// A map's key, written to the map's body as an Avro string; its byte range kept for the check
/// for repeated keys.
struct MapKey<'b> {
    out: &'b mut Vec<u8>,
    keys: &'b mut Vec<(usize, usize)>,
}

impl<'de> DeserializeSeed<'de> for MapKey<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MapKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        write_str(self.out, key);
        self.keys.push((self.out.len() - key.len(), self.out.len()));
        Ok(())
    }
}
