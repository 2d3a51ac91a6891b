//! Generates `AvroCodec` and `Sample` impls: an encoder and a decoder written
//! out for the exact type, field by field, from each field's `TypeShape`.
//!
//! Every local the generated code binds starts with `__` (`__input`, `__count`,
//! `__item0`, ..), as serde's do: a binding is resolved against the items of
//! the declaring module first (hygiene does not cover items, even with
//! `Span::mixed_site`), so a lowercase `const count` there would turn `count`
//! into a pattern.

use mesh_model::TypeShape;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ast::enumeration::Symbols;
use crate::ast::record::Field;
use crate::ast::types::Leaf;

/// `impl AvroCodec` and `impl Sample` for a record.
pub fn record_codec(ident: &syn::Ident, fields: &[Field]) -> TokenStream {
    let encodes = fields.iter().map(|field| {
        let member = &field.member;
        encode(&field.ty.shape, quote!(&self.#member), 0)
    });
    let decodes = fields.iter().map(|field| {
        let member = &field.member;
        let value = decode(&field.ty.shape, &field.ty.leaf);
        quote!(#member: #value)
    });
    let decodes_into = fields.iter().map(|field| {
        let member = &field.member;
        let update = decode_into(&field.ty.shape, &field.ty.leaf, &format_ident!("__place"), 0);
        quote! {{
            let __place = &mut self.#member;
            #update
        }}
    });
    let samples = fields.iter().map(|field| {
        let member = &field.member;
        let name = &field.name;
        quote!(#member: __mesh::Sample::sample(__rng, #name))
    });
    quote! {
        impl __mesh::AvroCodec for #ident {
            #[inline]
            fn encode(&self, __out: &mut __mesh::Vec<u8>) {
                #(#encodes)*
            }

            #[inline]
            fn decode(__input: &mut __mesh::codec::Reader<'_>) -> __mesh::Result<Self, __mesh::DecodeError> {
                __mesh::Ok(Self { #(#decodes),* })
            }

            #[inline]
            fn decode_into(
                &mut self,
                __input: &mut __mesh::codec::Reader<'_>,
            ) -> __mesh::Result<(), __mesh::DecodeError> {
                #(#decodes_into)*
                __mesh::Ok(())
            }
        }

        impl __mesh::Sample for #ident {
            fn sample(__rng: &mut __mesh::SampleRng, _: &str) -> Self {
                Self { #(#samples),* }
            }
        }
    }
}

/// `impl AvroCodec` and `impl Sample` for an enum: symbols are written as their index.
pub fn enum_codec(ident: &syn::Ident, symbols: &Symbols) -> TokenStream {
    let count = symbols.symbols.len();
    let variants: Vec<_> = symbols.symbols.iter().map(|s| &s.ident).collect();
    let indexes: Vec<_> = (0..count).map(|i| Literal::i32_unsuffixed(i as i32)).collect();
    let positions: Vec<_> = (0..count).map(Literal::usize_unsuffixed).collect();
    let last = variants.last();
    quote! {
        impl __mesh::AvroCodec for #ident {
            #[inline]
            fn encode(&self, __out: &mut __mesh::Vec<u8>) {
                __mesh::codec::encode::write_int(__out, match self { #(Self::#variants => #indexes),* });
            }

            #[inline]
            fn decode(__input: &mut __mesh::codec::Reader<'_>) -> __mesh::Result<Self, __mesh::DecodeError> {
                match __input.read_enum_index(#count)? {
                    #(#positions => __mesh::Ok(Self::#variants),)*
                    __index => __mesh::Err(__input.error(__mesh::codec::DecodeErrorKind::EnumIndex {
                        index: __index as i64,
                        symbols: #count,
                    })),
                }
            }
        }

        impl __mesh::Sample for #ident {
            fn sample(__rng: &mut __mesh::SampleRng, _: &str) -> Self {
                match __rng.below(#count as u64) {
                    #(#positions => Self::#variants,)*
                    _ => Self::#last,
                }
            }
        }
    }
}

/// Impls for a type whose declaration did not compile, so uses of it do not add errors.
pub fn fallback_codec(ident: &syn::Ident) -> TokenStream {
    quote! {
        impl __mesh::AvroCodec for #ident {
            fn encode(&self, _: &mut __mesh::Vec<u8>) {}
            fn decode(__input: &mut __mesh::codec::Reader<'_>) -> __mesh::Result<Self, __mesh::DecodeError> {
                __mesh::Err(__input.error(__mesh::codec::DecodeErrorKind::UnexpectedEnd))
            }
        }
    }
}

/// Statements that append the encoding of `value` (an expression of type `&T`) to `__out`.
fn encode(shape: &TypeShape, value: TokenStream, depth: usize) -> TokenStream {
    let enc = quote!(__mesh::codec::encode);
    match shape {
        TypeShape::Boolean => quote!(#enc::write_boolean(__out, *#value);),
        TypeShape::Int => quote!(#enc::write_int(__out, *#value);),
        TypeShape::Long => quote!(#enc::write_long(__out, *#value);),
        TypeShape::Float => quote!(#enc::write_float(__out, *#value);),
        TypeShape::Double => quote!(#enc::write_double(__out, *#value);),
        TypeShape::String => quote!(#enc::write_str(__out, #value);),
        TypeShape::Bytes => quote!(#enc::write_bytes(__out, #value);),
        TypeShape::Date => quote!(#enc::write_int(__out, (#value).0);),
        TypeShape::TimestampMillis | TypeShape::TimestampMicros => quote!(#enc::write_long(__out, (#value).0);),
        TypeShape::Uuid => quote!(#enc::write_uuid(__out, *#value);),
        TypeShape::Decimal { .. } => quote!(#enc::write_decimal(__out, (#value).unscaled());),
        TypeShape::Fixed(_) => quote!(#enc::write_fixed(__out, #value);),
        TypeShape::Optional(inner) => {
            let item = format_ident!("__item{}", depth);
            let inner = encode(inner, quote!(#item), depth + 1);
            quote! {
                match #value {
                    __mesh::Some(#item) => {
                        __out.push(2);
                        #inner
                    }
                    __mesh::None => __out.push(0),
                }
            }
        }
        TypeShape::Array(inner) => {
            let items = format_ident!("__items{}", depth);
            let item = format_ident!("__item{}", depth);
            let inner = encode(inner, quote!(#item), depth + 1);
            quote! {
                let #items = #value;
                #enc::write_block_len(__out, #items.len());
                for #item in #items.iter() {
                    #inner
                }
                #enc::write_end_of_blocks(__out);
            }
        }
        TypeShape::Map(inner) => {
            let entries = format_ident!("__entries{}", depth);
            let (key, item) = (format_ident!("__key{}", depth), format_ident!("__item{}", depth));
            let inner = encode(inner, quote!(#item), depth + 1);
            quote! {
                let #entries = #value;
                #enc::write_block_len(__out, #entries.len());
                for (#key, #item) in #entries.iter() {
                    #enc::write_str(__out, #key);
                    #inner
                }
                #enc::write_end_of_blocks(__out);
            }
        }
        TypeShape::Named(_) => quote!(__mesh::AvroCodec::encode(#value, __out);),
    }
}

/// An expression decoding a value of the shape from `__input` (inside a function returning `Result`).
fn decode(shape: &TypeShape, leaf: &Leaf) -> TokenStream {
    match shape {
        TypeShape::Boolean => quote!(__input.read_boolean()?),
        TypeShape::Int => quote!(__input.read_int()?),
        TypeShape::Long => quote!(__input.read_long()?),
        TypeShape::Float => quote!(__input.read_float()?),
        TypeShape::Double => quote!(__input.read_double()?),
        TypeShape::String => quote!(__input.read_string()?),
        TypeShape::Bytes => quote!(__input.read_bytes()?),
        TypeShape::Date => quote!(__mesh::Date(__input.read_int()?)),
        TypeShape::TimestampMillis => quote!(__mesh::TimestampMillis(__input.read_long()?)),
        TypeShape::TimestampMicros => quote!(__mesh::TimestampMicros(__input.read_long()?)),
        TypeShape::Uuid => quote!(__input.read_uuid()?),
        TypeShape::Decimal { precision, scale } => {
            let (p, s) = (Literal::u32_unsuffixed(*precision), Literal::u32_unsuffixed(*scale));
            quote!(__input.read_decimal::<#p, #s>()?)
        }
        TypeShape::Fixed(size) => {
            let size = Literal::usize_unsuffixed(*size);
            quote!(__input.read_fixed::<#size>()?)
        }
        TypeShape::Optional(inner) => {
            let inner = decode(inner, leaf);
            quote! {
                match __input.read_union_index(2)? {
                    0 => __mesh::None,
                    _ => __mesh::Some(#inner),
                }
            }
        }
        TypeShape::Array(inner) => {
            let inner = decode(inner, leaf);
            quote! {{
                let mut __items = __mesh::Vec::new();
                while let __mesh::Some(__count) = __input.read_block_count()? {
                    __items.reserve(__count);
                    for _ in 0..__count {
                        __items.push(#inner);
                    }
                }
                __items
            }}
        }
        TypeShape::Map(inner) => {
            let inner = decode(inner, leaf);
            quote! {{
                let mut __entries = ::core::default::Default::default();
                while let __mesh::Some(__count) = __input.read_block_count()? {
                    for _ in 0..__count {
                        let __key = __input.read_string()?;
                        __mesh::codec::map_insert(&mut __entries, __key, #inner);
                    }
                }
                __entries
            }}
        }
        TypeShape::Named(_) => {
            let ty = match leaf {
                Leaf::Named(ty) => quote!(#ty),
                Leaf::Builtin | Leaf::Logical(..) => quote!(_),
            };
            quote! {{
                __input.enter()?;
                let __value = <#ty as __mesh::AvroCodec>::decode(__input)?;
                __input.leave();
                __value
            }}
        }
    }
}

/// Statements that decode a value of the shape from `__input` into `*place` (a `&mut` binding),
/// reusing the strings, bytes and vector items already there.
fn decode_into(shape: &TypeShape, leaf: &Leaf, place: &syn::Ident, depth: usize) -> TokenStream {
    match shape {
        TypeShape::String => quote!(__input.read_string_into(#place)?;),
        TypeShape::Bytes => quote!(__input.read_bytes_into(#place)?;),
        TypeShape::Optional(inner) => {
            let item = format_ident!("__item{}", depth);
            let update = decode_into(inner, leaf, &item, depth + 1);
            let fresh = decode(inner, leaf);
            quote! {
                match __input.read_union_index(2)? {
                    0 => *#place = __mesh::None,
                    _ => match #place.as_mut() {
                        __mesh::Some(#item) => { #update }
                        __mesh::None => *#place = __mesh::Some(#fresh),
                    },
                }
            }
        }
        TypeShape::Array(inner) => {
            let (item, len) = (format_ident!("__item{}", depth), format_ident!("__len{}", depth));
            let update = decode_into(inner, leaf, &item, depth + 1);
            let fresh = decode(inner, leaf);
            quote! {
                let mut #len = 0usize;
                while let __mesh::Some(__count) = __input.read_block_count()? {
                    if let __mesh::Some(__more) = (#len + __count).checked_sub(#place.len()) {
                        #place.reserve(__more);
                    }
                    for _ in 0..__count {
                        match #place.get_mut(#len) {
                            __mesh::Some(#item) => { #update }
                            __mesh::None => #place.push(#fresh),
                        }
                        #len += 1;
                    }
                }
                #place.truncate(#len);
            }
        }
        TypeShape::Named(_) => quote! {
            __input.enter()?;
            __mesh::AvroCodec::decode_into(#place, __input)?;
            __input.leave();
        },
        // Scalars and logical types hold no allocation; maps are rebuilt (keys would need rehashing anyway).
        TypeShape::Boolean
        | TypeShape::Int
        | TypeShape::Long
        | TypeShape::Float
        | TypeShape::Double
        | TypeShape::Date
        | TypeShape::TimestampMillis
        | TypeShape::TimestampMicros
        | TypeShape::Uuid
        | TypeShape::Decimal { .. }
        | TypeShape::Fixed(_)
        | TypeShape::Map(_) => {
            let fresh = decode(shape, leaf);
            quote!(*#place = #fresh;)
        }
    }
}
