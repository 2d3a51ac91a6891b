//! Typed helpers: field-name constants, and the linked input types of a product.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::product::Input;
use crate::ast::record::Field;

/// `impl T { pub const FIELDS: ..; pub const ORDER_ID: &str = "order_id"; .. }`.
pub fn field_names(ident: &syn::Ident, fields: &[Field]) -> TokenStream {
    let names: Vec<_> = fields.iter().map(|f| &f.name).collect();
    // A field named `fields` keeps only the list: its constant would clash with it.
    let consts = fields.iter().filter(|f| f.member.to_string().trim_start_matches("r#").to_uppercase() != "FIELDS");
    let consts = consts.map(|field| {
        let name = &field.name;
        let constant = format_ident!("{}", field.member.to_string().trim_start_matches("r#").to_uppercase());
        let doc = format!("The Avro name of field `{}`.", field.member.to_string().trim_start_matches("r#"));
        quote! {
            #[doc = #doc]
            pub const #constant: &'static str = #name;
        }
    });
    let doc = format!("The Avro field names of `{ident}`, in schema order.");
    quote! {
        #[allow(dead_code)]
        impl #ident {
            #[doc = #doc]
            pub const FIELDS: &'static [&'static str] = &[#(#names),*];
            #(#consts)*
        }
    }
}

/// `impl LinkedInputs for T { type Inputs = (A, B); }` over the inputs named by Rust path.
pub fn linked_inputs(ident: &syn::Ident, inputs: &[Input]) -> TokenStream {
    let linked = inputs.iter().filter_map(|input| match input {
        Input::Linked(path) => Some(path),
        Input::Declared { .. } => None,
    });
    quote! {
        impl __mesh::LinkedInputs for #ident {
            type Inputs = (#(#linked,)*);
        }
    }
}
