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

use super::descriptor::mode_tokens;
use crate::ast::enumeration::Symbols;
use crate::ast::record::Field;
use crate::ast::types::Leaf;

/// `impl AvroCodec` and `impl Sample` for a record. A record with encrypted fields, or with nested
/// types that may have some, also gets the sealing and opening methods the container files use.
pub fn record_codec(ident: &syn::Ident, fields: &[Field]) -> TokenStream {
    let FieldCode { encodes, decodes, decodes_into } = field_code(fields, false);
    let samples = fields.iter().map(|field| {
        let member = &field.member;
        let name = &field.name;
        quote!(#member: __mesh::Sample::sample(__rng, #name))
    });
    let with_keys = fields.iter().any(|f| encryption(f).is_some() || f.ty.shape.named().is_some());
    let keyed = with_keys.then(|| keyed_codec(fields));
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

            #keyed
        }

        impl __mesh::Sample for #ident {
            fn sample(__rng: &mut __mesh::SampleRng, _: &str) -> Self {
                Self { #(#samples),* }
            }
        }
    }
}

/// `encode_sealed`, `decode_opened` and `decode_into_opened`: the plain codec, except that
/// encrypted fields are sealed and opened, and nested types are asked to do the same.
fn keyed_codec(fields: &[Field]) -> TokenStream {
    let FieldCode { encodes, decodes, decodes_into } = field_code(fields, true);
    quote! {
        #[inline]
        fn encode_sealed(
            &self,
            __out: &mut __mesh::Vec<u8>,
            __sealer: &mut __mesh::codec::crypto::Sealer,
        ) -> __mesh::Result<(), __mesh::codec::FieldCryptoError> {
            #(#encodes)*
            __mesh::Ok(())
        }

        #[inline]
        fn decode_opened(
            __input: &mut __mesh::codec::Reader<'_>,
            __opener: &mut __mesh::codec::crypto::Opener,
        ) -> __mesh::Result<Self, __mesh::DecodeError> {
            __mesh::Ok(Self { #(#decodes),* })
        }

        #[inline]
        fn decode_into_opened(
            &mut self,
            __input: &mut __mesh::codec::Reader<'_>,
            __opener: &mut __mesh::codec::crypto::Opener,
        ) -> __mesh::Result<(), __mesh::DecodeError> {
            #(#decodes_into)*
            __mesh::Ok(())
        }
    }
}

/// Each field's part of `encode`, `decode` and `decode_into`, or, `keyed`, of their sealing and
/// opening forms: encrypted fields sealed and opened, nested types asked to do the same.
struct FieldCode {
    encodes: Vec<TokenStream>,
    decodes: Vec<TokenStream>,
    decodes_into: Vec<TokenStream>,
}

fn field_code(fields: &[Field], keyed: bool) -> FieldCode {
    let mut code = FieldCode { encodes: Vec::new(), decodes: Vec::new(), decodes_into: Vec::new() };
    for field in fields {
        let (member, shape, leaf) = (&field.member, &field.ty.shape, &field.ty.leaf);
        let (encoded, value, update) = match encryption(field).filter(|_| keyed) {
            Some(mode) => (seal(field, &mode), open(field, &mode), open_into(field, &mode)),
            None => (
                encode(shape, quote!(&self.#member), 0, keyed),
                decode(shape, leaf, keyed),
                decode_into(shape, leaf, &format_ident!("__place"), 0, keyed),
            ),
        };
        code.encodes.push(encoded);
        code.decodes.push(quote!(#member: #value));
        code.decodes_into.push(quote! {{
            let __place = &mut self.#member;
            #update
        }});
    }
    code
}

/// The mode of a field declared `encrypted` that the codecs can encrypt (a `String` or an
/// `Option<String>`; any other type was refused when the field was read), as tokens.
fn encryption(field: &Field) -> Option<TokenStream> {
    let mode = field.pii.and_then(|pii| pii.encryption)?;
    let text = match &field.ty.shape {
        TypeShape::String => true,
        TypeShape::Optional(inner) => **inner == TypeShape::String,
        _ => false,
    };
    text.then(|| mode_tokens(mode))
}

/// Statements writing an encrypted field's token.
fn seal(field: &Field, mode: &TokenStream) -> TokenStream {
    let (member, name) = (&field.member, &field.name);
    let write = quote!(__mesh::codec::encrypted::write_sealed);
    match &field.ty.shape {
        TypeShape::Optional(_) => quote! {
            match &self.#member {
                __mesh::Some(__item0) => {
                    __out.push(2);
                    #write(__out, __item0, #mode, __sealer, #name)?;
                }
                __mesh::None => __out.push(0),
            }
        },
        _ => quote!(#write(__out, &self.#member, #mode, __sealer, #name)?;),
    }
}

/// An expression reading and opening an encrypted field.
fn open(field: &Field, mode: &TokenStream) -> TokenStream {
    let name = &field.name;
    let read = quote!(__mesh::codec::encrypted::read_opened(__input, #mode, __opener, #name)?);
    match &field.ty.shape {
        TypeShape::Optional(_) => quote! {
            match __input.read_union_index(2)? {
                0 => __mesh::None,
                _ => __mesh::Some(#read),
            }
        },
        _ => read,
    }
}

/// Statements reading and opening an encrypted field into `__place`.
fn open_into(field: &Field, mode: &TokenStream) -> TokenStream {
    let name = &field.name;
    let read_into = quote!(__mesh::codec::encrypted::read_opened_into);
    match &field.ty.shape {
        TypeShape::Optional(_) => {
            let fresh = quote!(__mesh::codec::encrypted::read_opened(__input, #mode, __opener, #name)?);
            quote! {
                match __input.read_union_index(2)? {
                    0 => *__place = __mesh::None,
                    _ => match __place.as_mut() {
                        __mesh::Some(__item0) => #read_into(__input, __item0, #mode, __opener, #name)?,
                        __mesh::None => *__place = __mesh::Some(#fresh),
                    },
                }
            }
        }
        _ => quote!(#read_into(__input, __place, #mode, __opener, #name)?;),
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
fn encode(shape: &TypeShape, value: TokenStream, depth: usize, keys: bool) -> TokenStream {
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
            let inner = encode(inner, quote!(#item), depth + 1, keys);
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
            let inner = encode(inner, quote!(#item), depth + 1, keys);
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
            let inner = encode(inner, quote!(#item), depth + 1, keys);
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
        TypeShape::Named(_) if keys => quote!(__mesh::AvroCodec::encode_sealed(#value, __out, __sealer)?;),
        TypeShape::Named(_) => quote!(__mesh::AvroCodec::encode(#value, __out);),
    }
}

/// An expression decoding a value of the shape from `__input` (inside a function returning `Result`).
fn decode(shape: &TypeShape, leaf: &Leaf, keys: bool) -> TokenStream {
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
            let inner = decode(inner, leaf, keys);
            quote! {
                match __input.read_union_index(2)? {
                    0 => __mesh::None,
                    _ => __mesh::Some(#inner),
                }
            }
        }
        TypeShape::Array(inner) => {
            let inner = decode(inner, leaf, keys);
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
            let inner = decode(inner, leaf, keys);
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
            let call = if keys {
                quote!(<#ty as __mesh::AvroCodec>::decode_opened(__input, __opener)?)
            } else {
                quote!(<#ty as __mesh::AvroCodec>::decode(__input)?)
            };
            quote! {{
                __input.enter()?;
                let __value = #call;
                __input.leave();
                __value
            }}
        }
    }
}

/// Statements that decode a value of the shape from `__input` into `*place` (a `&mut` binding),
/// reusing the strings, bytes and vector items already there.
fn decode_into(shape: &TypeShape, leaf: &Leaf, place: &syn::Ident, depth: usize, keys: bool) -> TokenStream {
    match shape {
        TypeShape::String => quote!(__input.read_string_into(#place)?;),
        TypeShape::Bytes => quote!(__input.read_bytes_into(#place)?;),
        TypeShape::Optional(inner) => {
            let item = format_ident!("__item{}", depth);
            let update = decode_into(inner, leaf, &item, depth + 1, keys);
            let fresh = decode(inner, leaf, keys);
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
            let update = decode_into(inner, leaf, &item, depth + 1, keys);
            let fresh = decode(inner, leaf, keys);
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
        TypeShape::Named(_) if keys => quote! {
            __input.enter()?;
            __mesh::AvroCodec::decode_into_opened(#place, __input, __opener)?;
            __input.leave();
        },
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
            let fresh = decode(shape, leaf, keys);
            quote!(*#place = #fresh;)
        }
    }
}
