//! A broken and a fixed example for every finding code, taken from the scenario that tests it
//! (`tests/scenarios/<name>/broken.yaml` and `fixed.yaml`), so the examples `explain` prints are
//! the ones the test suite proves.

macro_rules! examples {
    ($( $code:literal $scenario:literal; )*) => {
        /// `(code, scenario, broken.yaml, fixed.yaml)`.
        pub static EXAMPLES: &[(&str, &str, &str, &str)] = &[ $( (
            $code,
            $scenario,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/", $scenario, "/broken.yaml")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/", $scenario, "/fixed.yaml")),
        ), )* ];
    };
}

examples! {
    "MCPD0001" "input-malformed-route";
    "MCPD0002" "input-registration-not-found";
    "MCPD0003" "input-no-registrations";
    "MCPD0004" "input-duplicate-object";
    "MCPD0007" "input-object-without-kind";
    "MCPD0008" "v08-unpinned-extension-needed-on-some-releases";
    "MCPD0009" "input-malformed-object-off-chain";
    "MCPD0010" "input-route-refused-by-the-schema";
    "MCPD0101" "r05-target-ref-not-a-route";
    "MCPD0102" "pitfall-registration-and-route-in-different-namespaces";
    "MCPD0103" "r05-target-route-typo";
    "MCPD0104" "r02-tool-prefix-on-kuadrant";
    "MCPD0105" "r03-prefix-invalid";
    "MCPD0106" "r23-registration-disabled";
    "MCPD0107" "r01-mcpserver-next-to-kuadrant-install";
    "MCPD0108" "r24-prefix-conflict";
    "MCPD0109" "r28-registration-stuck-deleting";
    "MCPD0110" "r24-prefix-shared-before-main";
    "MCPD0111" "v09-state-pruned-before-v0.7";
    "MCPD0201" "r10-no-backend-refs";
    "MCPD0202" "r10-two-rules";
    "MCPD0203" "r10-two-backend-refs";
    "MCPD0204" "r10-no-hostnames";
    "MCPD0205" "r06-route-without-parent-refs";
    "MCPD0206" "pitfall-parent-ref-without-namespace";
    "MCPD0207" "r06-parent-ref-is-a-service";
    "MCPD0208" "route-second-parent-works";
    "MCPD0209" "v03-mcpserver-route-with-two-rules";
    "MCPD0301" "r06-section-name-typo";
    "MCPD0302" "r06-listener-from-same";
    "MCPD0303" "r06-listener-protocol-tls";
    "MCPD0304" "r06-hostname-bare-domain";
    "MCPD0305" "gateway-class-not-found";
    "MCPD0306" "gateway-class-not-accepted";
    "MCPD0307" "gateway-not-programmed";
    "MCPD0308" "listener-not-ready";
    "MCPD0401" "r07-no-extension";
    "MCPD0402" "r08-extension-on-other-port";
    "MCPD0403" "r09-multi-label-hostname";
    "MCPD0404" "g05-extension-grant-missing";
    "MCPD0405" "g02-extension-target-namespace-omitted";
    "MCPD0406" "g03-extension-listener-without-hostname";
    "MCPD0407" "g04-extension-listener-not-allowed";
    "MCPD0408" "g07-extension-deployment-not-ready";
    "MCPD0409" "g06-two-extensions-in-one-namespace";
    "MCPD0410" "extension-group-mismatch";
    "MCPD0411" "g09-gateway-not-istio";
    "MCPD0501" "backend-service-not-found";
    "MCPD0502" "r11-backend-group-core";
    "MCPD0503" "r13-backend-port-missing";
    "MCPD0504" "r13-backend-port-not-found";
    "MCPD0505" "r13-no-ready-endpoints";
    "MCPD0506" "r16-external-name-service";
    "MCPD0507" "r17-hostname-backend-invalid";
    "MCPD0601" "pitfall-missing-reference-grant";
    "MCPD0602" "pitfall-reference-grant-in-source-namespace";
    "MCPD0701" "r22-ca-secret-not-found";
    "MCPD0702" "r19-credential-secret-old-label";
    "MCPD0703" "r22-ca-secret-key-missing";
    "MCPD0901" "status-stale-route";
    "MCPD0902" "status-disagrees-with-specs";
    "MCPD0903" "status-foreign-controller";
    "MCPD0904" "status-missing-for-parent";
    "MCPD0905" "r13-registration-not-ready-broker";
    "MCPD0906" "r25-ready-but-broken";
    "MCPD0907" "status-fresh-refusal";
}

/// The example of a code: `(scenario, broken, fixed)`.
pub fn example(code: &str) -> Option<(&'static str, &'static str, &'static str)> {
    EXAMPLES.iter().find(|e| e.0 == code).map(|e| (e.1, e.2, e.3))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_example_is_the_scenario_of_its_code() {
        let (scenario, broken, fixed) = super::example("MCPD0206").expect("an example");
        assert_eq!(scenario, "pitfall-parent-ref-without-namespace");
        assert!(fixed.contains("namespace: gateway-system") && broken != fixed);
        assert!(super::example("MCPD9999").is_none());
    }
}
