//! Classifies a field's Rust type into its Avro [`TypeShape`], or explains
//! which type to use instead.

use mesh_model::TypeShape;
use syn::{GenericArgument, PathArguments, Type};

use crate::ctxt::Ctxt;

/// What the innermost type of a field is, when generated code must name it.
#[derive(Clone)]
pub enum Leaf {
    /// A plain Avro type: nothing to name.
    Builtin,
    /// A type implementing `AvroSchema`: the generated code asks it for its schema.
    Named(Type),
    /// A `mesh_core` logical type: the generated code checks the user wrote that type.
    Logical(Type, LogicalType),
}

/// The `mesh_core` types with an Avro logical type.
#[derive(Clone, Copy)]
pub enum LogicalType {
    Date,
    TimestampMillis,
    TimestampMicros,
    Uuid,
    Decimal,
}

impl LogicalType {
    pub fn rust_name(self) -> &'static str {
        match self {
            LogicalType::Date => "Date",
            LogicalType::TimestampMillis => "TimestampMillis",
            LogicalType::TimestampMicros => "TimestampMicros",
            LogicalType::Uuid => "Uuid",
            LogicalType::Decimal => "Decimal",
        }
    }
}

/// A field's type: its shape and the leaf type the generated code refers to.
#[derive(Clone)]
pub struct FieldType {
    pub shape: TypeShape,
    pub leaf: Leaf,
}

/// Classifies `ty`; on failure records an error on its span and returns `None`.
pub fn classify(cx: &Ctxt, ty: &Type) -> Option<FieldType> {
    classify_inner(ty, false).map_err(|message| cx.error_spanned_by(ty, message)).ok()
}

fn builtin(shape: TypeShape) -> Result<FieldType, String> {
    Ok(FieldType { shape, leaf: Leaf::Builtin })
}

fn classify_inner(ty: &Type, inside_option: bool) -> Result<FieldType, String> {
    match ty {
        Type::Path(path) if path.qself.is_none() => classify_path(ty, &path.path, inside_option),
        Type::Group(group) => classify_inner(&group.elem, inside_option),
        Type::Paren(paren) => classify_inner(&paren.elem, inside_option),
        Type::Array(array) => {
            let is_u8 = matches!(&*array.elem, Type::Path(p) if p.path.is_ident("u8"));
            let size = match &array.len {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. }) => n.base10_parse::<usize>().ok(),
                _ => None,
            };
            match (is_u8, size) {
                (true, Some(size)) if size > 0 => builtin(TypeShape::Fixed(size)),
                (true, _) => Err("a fixed-size byte array needs a literal, non-zero length, e.g. `[u8; 16]` (Avro fixed)".into()),
                (false, _) => Err("Avro has no fixed-size array of this element type: use `Vec<T>` (Avro array), or `[u8; N]` for fixed bytes".into()),
            }
        }
        Type::Reference(_) => Err("references have no Avro equivalent: a product owns its data; use an owned type such as `String` or `Vec<T>`".into()),
        Type::Tuple(tuple) if tuple.elems.is_empty() => Err("`()` has no Avro equivalent in a record field: remove the field".into()),
        Type::Tuple(_) => Err("tuples have no Avro equivalent: declare a struct with named fields and `#[derive(AvroRecord)]` (Avro record)".into()),
        Type::Slice(_) => Err("slices have no Avro equivalent: use `Vec<T>` (Avro array)".into()),
        Type::Ptr(_) => Err("raw pointers have no Avro equivalent".into()),
        Type::TraitObject(_) | Type::ImplTrait(_) => Err("trait objects have no Avro schema: use a concrete type".into()),
        Type::BareFn(_) => Err("function pointers have no Avro equivalent".into()),
        _ => Err("this type has no Avro mapping: see the type table in the README".into()),
    }
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn const_args(segment: &syn::PathSegment) -> Vec<Option<u32>> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .map(|arg| match arg {
                GenericArgument::Const(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. })) => {
                    n.base10_parse().ok()
                }
                // `Decimal<12, 2>` parses its arguments as types only when they are paths; literals land here.
                GenericArgument::Type(Type::Verbatim(tokens)) => tokens.to_string().parse().ok(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn classify_path(ty: &Type, path: &syn::Path, inside_option: bool) -> Result<FieldType, String> {
    let Some(segment) = path.segments.last() else {
        return Err("empty type path".into());
    };
    let name = segment.ident.to_string();
    let args = generic_args(segment);
    let one_arg = |what: &str| -> Result<&Type, String> {
        match args.as_slice() {
            [only] => Ok(*only),
            _ => Err(format!("`{what}` needs exactly one type argument")),
        }
    };
    let no_args = matches!(segment.arguments, PathArguments::None);
    match name.as_str() {
        "bool" if no_args => builtin(TypeShape::Boolean),
        "i32" if no_args => builtin(TypeShape::Int),
        "i64" if no_args => builtin(TypeShape::Long),
        "f32" if no_args => builtin(TypeShape::Float),
        "f64" if no_args => builtin(TypeShape::Double),
        "String" if no_args => builtin(TypeShape::String),
        "i8" | "i16" | "u8" | "u16" => Err(format!(
            "`{name}` has no Avro equivalent: use `i32` (Avro int) and validate the range where the data is produced"
        )),
        "u32" => Err("`u32` has no Avro equivalent: use `i64` (Avro long), which holds every u32".into()),
        "u64" | "usize" => Err(format!(
            "`{name}` has no Avro equivalent (Avro integers are signed): use `i64` (Avro long), or `Decimal<20, 0>` if values can exceed i64::MAX"
        )),
        "isize" => Err("`isize` has a platform-dependent size: use `i64` (Avro long)".into()),
        "u128" | "i128" => Err(format!(
            "`{name}` has no Avro equivalent: use `Decimal<38, 0>` (Avro decimal) for numbers, or `[u8; 16]` (Avro fixed) for identifiers"
        )),
        "char" => Err("`char` has no Avro equivalent: use `String` (Avro string)".into()),
        "str" => Err("`str` is unsized: use `String` (Avro string)".into()),
        "Option" => {
            if inside_option {
                return Err("`Option<Option<T>>` has no Avro equivalent (unions cannot nest): use a single `Option<T>`".into());
            }
            let inner = classify_inner(one_arg("Option")?, true)?;
            Ok(FieldType { shape: TypeShape::Optional(Box::new(inner.shape)), leaf: inner.leaf })
        }
        "Vec" => {
            let item = one_arg("Vec")?;
            if matches!(item, Type::Path(p) if p.path.is_ident("u8")) {
                return builtin(TypeShape::Bytes);
            }
            let inner = classify_inner(item, false)?;
            Ok(FieldType { shape: TypeShape::Array(Box::new(inner.shape)), leaf: inner.leaf })
        }
        "HashMap" | "BTreeMap" => {
            let [key, value] = args.as_slice() else {
                return Err(format!("`{name}` needs a key and a value type"));
            };
            if !matches!(key, Type::Path(p) if p.path.is_ident("String")) {
                return Err(format!("Avro map keys are strings: use `{name}<String, V>`"));
            }
            let inner = classify_inner(value, false)?;
            Ok(FieldType { shape: TypeShape::Map(Box::new(inner.shape)), leaf: inner.leaf })
        }
        "Date" | "TimestampMillis" | "TimestampMicros" | "Uuid" if no_args => {
            let (shape, logical) = match name.as_str() {
                "Date" => (TypeShape::Date, LogicalType::Date),
                "TimestampMillis" => (TypeShape::TimestampMillis, LogicalType::TimestampMillis),
                "TimestampMicros" => (TypeShape::TimestampMicros, LogicalType::TimestampMicros),
                _ => (TypeShape::Uuid, LogicalType::Uuid),
            };
            Ok(FieldType { shape, leaf: Leaf::Logical(ty.clone(), logical) })
        }
        "Decimal" => {
            let usage = "write `Decimal<PRECISION, SCALE>` with literal numbers, e.g. `Decimal<12, 2>` (1 <= PRECISION <= 38, SCALE <= PRECISION)";
            let args = const_args(segment);
            let [Some(precision), Some(scale)] = args.as_slice() else {
                return Err(usage.into());
            };
            if !(1..=38).contains(precision) || scale > precision {
                return Err(format!("`Decimal<{precision}, {scale}>` is out of range: {usage}"));
            }
            Ok(FieldType {
                shape: TypeShape::Decimal { precision: *precision, scale: *scale },
                leaf: Leaf::Logical(ty.clone(), LogicalType::Decimal),
            })
        }
        "Box" | "Rc" | "Arc" | "Cow" | "HashSet" | "BTreeSet" | "VecDeque" | "LinkedList" | "Result" => Err(format!(
            "`{name}` has no Avro mapping: use `Vec<T>` for collections, `Option<T>` for optional values, or a `#[derive(AvroRecord)]` struct"
        )),
        _ if !args.is_empty() || !matches!(segment.arguments, PathArguments::None) => Err(format!(
            "generic type `{name}<..>` has no Avro mapping: a field's schema must be fixed; use a concrete `#[derive(AvroRecord)]` type"
        )),
        _ => Ok(FieldType { shape: TypeShape::Named(name), leaf: Leaf::Named(ty.clone()) }),
    }
}
