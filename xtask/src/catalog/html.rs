//! A typed HTML tree: tag and attribute names are code, every value and text is escaped on
//! output, so nothing a declaration says (a description with `<script>`) can become markup.

use std::fmt::Write;

/// A node of a page: an element or text.
#[derive(Debug, Clone)]
pub enum Node {
    /// An element with its children.
    Element(Element),
    /// Text, escaped when rendered.
    Text(String),
}

/// An element: its tag, attributes (in order) and children.
#[derive(Debug, Clone)]
pub struct Element {
    tag: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

/// Elements that have no closing tag.
const VOID: &[&str] = &["meta", "link", "input", "br", "img"];

/// A new element `tag`.
pub fn el(tag: &'static str) -> Element {
    Element { tag, attrs: Vec::new(), children: Vec::new() }
}

/// A text node.
pub fn text(value: impl Into<String>) -> Node {
    Node::Text(value.into())
}

impl Element {
    /// Adds an attribute.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    /// Adds a child.
    pub fn child(mut self, node: impl Into<Node>) -> Self {
        self.children.push(node.into());
        self
    }

    /// Adds children.
    pub fn children(mut self, nodes: impl IntoIterator<Item = impl Into<Node>>) -> Self {
        self.children.extend(nodes.into_iter().map(Into::into));
        self
    }

    /// Adds a text child.
    pub fn text(self, value: impl Into<String>) -> Self {
        self.child(text(value))
    }

    /// Renders the element (and its children) as HTML or SVG markup.
    pub fn render(&self, out: &mut String) {
        let _ = write!(out, "<{}", self.tag);
        for (name, value) in &self.attrs {
            let _ = write!(out, " {name}=\"");
            escape_into(value, out);
            out.push('"');
        }
        out.push('>');
        if VOID.contains(&self.tag) {
            return;
        }
        for child in &self.children {
            match child {
                Node::Element(element) => element.render(out),
                Node::Text(value) => escape_into(value, out),
            }
        }
        let _ = write!(out, "</{}>", self.tag);
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Self {
        Node::Element(element)
    }
}

impl From<&str> for Node {
    fn from(value: &str) -> Self {
        Node::Text(value.to_string())
    }
}

impl From<String> for Node {
    fn from(value: String) -> Self {
        Node::Text(value)
    }
}

/// Escapes text and attribute values alike (quotes too, so one function serves both).
pub fn escape_into(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A whole HTML document: doctype, then `html`.
pub fn document(html: &Element) -> String {
    let mut out = String::from("<!DOCTYPE html>\n");
    html.render(&mut out);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut out = String::new();
        el("a").attr("href", "x\" onclick=\"alert(1)").text("<script>alert('x')</script> & co").render(&mut out);
        assert_eq!(
            out,
            "<a href=\"x&quot; onclick=&quot;alert(1)\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</a>"
        );
    }

    #[test]
    fn void_elements_have_no_closing_tag() {
        let mut out = String::new();
        el("p").child(el("input").attr("id", "q")).child(el("br")).render(&mut out);
        assert_eq!(out, "<p><input id=\"q\"><br></p>");
    }
}
