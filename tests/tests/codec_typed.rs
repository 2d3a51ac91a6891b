//! Typed helpers generated for products: field-name constants and linked input types.

use std::marker::PhantomData;

use customer::gold::Customer360;
use marketing::gold::MarketingAnalytics;
use marketing::silver::MarketingCleaned;
use mesh_core::{DataProduct, LinkedInputs};
use sales::bronze::SalesRaw;
use sales::gold::SalesAnalytics;
use sales::silver::SalesCleaned;
use sales::types::LineItem;

/// Compiles only if `A` and `B` are the same type.
fn same_type<A, B>(_: PhantomData<A>, _: PhantomData<B>)
where
    A: Into<B>,
    B: Into<A>,
{
}

#[test]
fn field_constants_name_the_avro_fields_in_schema_order() {
    // The order of the schema the codec writes, not of another list the macro generates.
    let schema: serde_json::Value = serde_json::from_str(&SalesAnalytics::schema().unwrap().json).unwrap();
    let in_schema: Vec<&str> =
        schema["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(SalesAnalytics::FIELDS, in_schema.as_slice());
    assert_eq!(SalesAnalytics::ORDER_ID, "order_id");
    assert_eq!(SalesAnalytics::LINE_ITEMS, "line_items");
    assert_eq!(LineItem::FIELDS, ["sku", "quantity", "unit_price"]);
    assert_eq!(LineItem::UNIT_PRICE, "unit_price");
}

#[test]
fn linked_inputs_are_the_input_types() {
    same_type(PhantomData::<<SalesAnalytics as LinkedInputs>::Inputs>, PhantomData::<(SalesCleaned,)>);
    same_type(PhantomData::<<Customer360 as LinkedInputs>::Inputs>, PhantomData::<(SalesCleaned, MarketingCleaned)>);
    // Inputs declared by id ("sales.sales_cleaned@^1.2") are not linked types.
    same_type(PhantomData::<<MarketingAnalytics as LinkedInputs>::Inputs>, PhantomData::<(MarketingCleaned,)>);
    same_type(PhantomData::<<SalesRaw as LinkedInputs>::Inputs>, PhantomData::<()>);
}

/// A record whose field names clash with the generated names.
#[derive(mesh_macros::AvroRecord)]
pub struct Form {
    /// Would clash with the list of field names.
    pub fields: Vec<String>,
    /// A raw identifier.
    pub r#type: String,
}

#[test]
fn a_field_named_fields_keeps_the_list() {
    assert_eq!(Form::FIELDS, ["fields", "type"]);
    assert_eq!(Form::TYPE, "type");
}
