//! `-l/--selector`: kubectl's label selector syntax (`a=b,c!=d,e,!f,g in (h,i),j notin (k)`).

use super::objects::StrMap;

/// One requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    Exists(String),
    Absent(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

/// A parsed label selector.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector(Vec<Req>);

impl Selector {
    /// Parses kubectl syntax.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        let mut depth = 0;
        let mut parts = vec![String::new()];
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            match parts.last_mut() {
                Some(last) if c != ',' || depth != 0 => last.push(c),
                _ => parts.push(String::new()),
            }
        }
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let bad = || format!("invalid label selector {text:?} at {part:?}");
            let req = if let Some((k, v)) = part.split_once("!=") {
                Req::Ne(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some(k) = part.strip_prefix('!') {
                Req::Absent(k.trim().into())
            } else if let Some((k, rest)) = part.split_once(" notin ").or_else(|| part.split_once(" in ")) {
                let values =
                    rest.trim().strip_prefix('(').and_then(|r| r.strip_suffix(')')).ok_or_else(bad)?;
                let values =
                    values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
                if part.contains(" notin ") {
                    Req::NotIn(k.trim().into(), values)
                } else {
                    Req::In(k.trim().into(), values)
                }
            } else if part.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
                Req::Exists(part.into())
            } else {
                return Err(bad());
            };
            reqs.push(req);
        }
        Ok(Selector(reqs))
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &StrMap) -> bool {
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => labels.get(k) == Some(v),
            Req::Ne(k, v) => labels.get(k) != Some(v),
            Req::Exists(k) => labels.contains_key(k),
            Req::Absent(k) => !labels.contains_key(k),
            Req::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Req::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_selectors() {
        let labels: StrMap = [("team".to_string(), "a".to_string()), ("tier".to_string(), "mcp".to_string())]
            .into_iter()
            .collect();
        for (sel, want) in [
            ("team=a", true),
            ("team==a,tier=mcp", true),
            ("team!=a", false),
            ("team", true),
            ("!team", false),
            ("team in (a,b)", true),
            ("team notin (a,b)", false),
            ("env notin (prod)", true),
            ("", true),
        ] {
            assert_eq!(Selector::parse(sel).unwrap().matches(&labels), want, "{sel}");
        }
        assert!(Selector::parse("team in a").is_err());
        assert!(Selector::parse("a b").is_err());
    }
}
