//! The JSON writers of the types the SDK sends, written out as code: each request type, the
//! object types a request or a region's extra fields hold (`emit::written_objects`), and
//! `ExtraFields::write_fields` for each region's extra fields.
//!
//! The SDK sends a request's body as `crate::json::WriteJson` writes it: each field as
//! `,"key":value` with the key escaped here, once, and the value by its type; unset optional
//! fields are left out and the region's extra fields follow, as `serde(flatten)` places
//! them. The result is what `serde_json::to_vec` writes for the same value, byte for byte;
//! the SDK's `rules::agreement` property test holds the two to that.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{EmitError, Result, field_ident};
use crate::model::{Field, Ty};

/// `impl WriteJson for #name #args`, writing `fields` and, with `extra`, the region's extra
/// fields after them.
pub(super) fn object_impl(
    name: &TokenStream,
    generics: &TokenStream,
    fields: &[Field],
    extra: bool,
) -> Result<TokenStream> {
    let args = if generics.is_empty() {
        quote! {}
    } else {
        quote! { <R> }
    };
    object_impl_with(&quote! { #name #args }, generics, fields, extra)
}

/// [`object_impl`] for the type `typed` (with its arguments) and the impl's `generics`.
pub(super) fn object_impl_with(
    typed: &TokenStream,
    generics: &TokenStream,
    fields: &[Field],
    extra: bool,
) -> Result<TokenStream> {
    let fields = fields_writer(fields)?;
    let extra = if extra {
        quote! { crate::ExtraFields::write_fields(&self.extra, out); }
    } else {
        quote! {}
    };
    Ok(quote! {
        impl #generics crate::json::WriteJson for #typed {
            #[inline]
            fn write_json(&self, out: &mut ::std::vec::Vec<u8>) {
                let start = out.len();
                #fields
                #extra
                crate::json::close_object(out, start);
            }
        }
    })
}

/// Statements that append each of `self`'s `fields` that is set as `,"key":value`.
pub(super) fn fields_writer(fields: &[Field]) -> Result<TokenStream> {
    let mut statements = Vec::new();
    for field in fields {
        let fid = field_ident(field)?;
        // The key as serde_json writes it, with the comma before it and the colon after.
        let key = serde_json::to_string(&field.name)
            .map_err(|e| EmitError(format!("cannot write the key {:?}: {e}", field.name)))?;
        let key = Literal::byte_string(format!(",{key}:").as_bytes());
        let write = value(&field.ty, quote! { value });
        statements.push(if field.type_required {
            quote! {
                out.extend_from_slice(#key);
                let value = &self.#fid;
                #write
            }
        } else {
            quote! {
                if let ::core::option::Option::Some(value) = &self.#fid {
                    out.extend_from_slice(#key);
                    #write
                }
            }
        });
    }
    Ok(quote! { #(#statements)* })
}

/// Appends `value` (a reference to a value of `ty`) to `out`.
fn value(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. } => {
            quote! { crate::json::write_str(out, #value); }
        }
        Ty::Integer { .. } => quote! { crate::json::write_i64(out, *#value); },
        Ty::Boolean => quote! { crate::json::write_bool(out, *#value); },
        Ty::Enum(e) if e.integer => {
            quote! { crate::json::write_integer_text(out, #value.as_str()); }
        }
        Ty::Enum(_) => quote! { crate::json::write_str(out, #value.as_str()); },
        Ty::List { item, .. } => {
            let item = self::value(item, quote! { item });
            quote! { crate::json::write_list(out, #value, |out, item| { #item }); }
        }
        Ty::Decimal { .. } | Ty::Object { .. } | Ty::Money(_) | Ty::JsonObject => {
            quote! { crate::json::WriteJson::write_json(#value, out); }
        }
    }
}
