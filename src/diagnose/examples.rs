//! A broken and a fixed example for every finding code, taken from the scenario that tests it
//! (`tests/scenarios/<name>/broken.yaml` and `fixed.yaml`), so the examples `explain` prints are
//! the ones the test suite proves.

use super::Code;

macro_rules! examples {
    ($( $code:ident $scenario:literal; )*) => {
        /// `(code, scenario, broken.yaml, fixed.yaml)`.
        pub static EXAMPLES: &[(Code, &str, &str, &str)] = &[ $( (
            Code::$code,
            $scenario,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/", $scenario, "/broken.yaml")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/", $scenario, "/fixed.yaml")),
        ), )* ];
    };
}

examples! {
    ObjectMalformed "input-malformed-route";
    RegistrationNotFound "input-registration-not-found";
    NoRegistrations "input-no-registrations";
    DuplicateObject "input-duplicate-object";
    ObjectUnidentified "input-object-without-kind";
    BreaksOnSomeReleases "v08-unpinned-extension-needed-on-some-releases";
    OtherObjectMalformed "input-malformed-object-off-chain";
    SchemaRefuses "input-route-refused-by-the-schema";
    TargetRefInvalidKind "r05-target-ref-not-a-route";
    TargetRefCrossNamespace "pitfall-registration-and-route-in-different-namespaces";
    TargetRouteNotFound "r05-target-route-typo";
    ToolPrefixPruned "r02-tool-prefix-on-kuadrant";
    PrefixInvalid "r03-prefix-invalid";
    RegistrationDisabled "r23-registration-disabled";
    RegistrationApiOutdated "r01-mcpserver-next-to-kuadrant-install";
    PrefixConflict "r24-prefix-conflict";
    RegistrationStuckDeleting "r28-registration-stuck-deleting";
    PrefixShared "r24-prefix-shared-before-main";
    FieldPruned "v09-state-pruned-before-v0.7";
    RouteNoBackendRefs "r10-no-backend-refs";
    RouteMultipleRules "r10-two-rules";
    RouteMultipleBackendRefs "r10-two-backend-refs";
    RouteNoHostnames "r10-no-hostnames";
    RouteNoParentRefs "r06-route-without-parent-refs";
    ParentNotFound "pitfall-parent-ref-without-namespace";
    ParentUnsupportedKind "r06-parent-ref-is-a-service";
    ParentFailsAnotherAttaches "route-second-parent-works";
    ExtraRulesIgnored "v03-mcpserver-route-with-two-rules";
    ListenerSetNotAllowed "r06-listener-set-not-allowed";
    NoMatchingParent "r06-section-name-typo";
    NotAllowedByListenersNamespace "r06-listener-from-same";
    NotAllowedByListenersKind "r06-listener-protocol-tls";
    NoMatchingListenerHostname "r06-hostname-bare-domain";
    GatewayClassNotFound "gateway-class-not-found";
    GatewayClassNotAccepted "gateway-class-not-accepted";
    GatewayNotProgrammed "gateway-not-programmed";
    ListenerNotReady "listener-not-ready";
    NoExtensionForGateway "r07-no-extension";
    NoExtensionForListener "r08-extension-on-other-port";
    ExtensionHostnameMultiLabel "r09-multi-label-hostname";
    ExtensionGrantMissing "g05-extension-grant-missing";
    ExtensionGatewayNotFound "g02-extension-target-namespace-omitted";
    ExtensionListenerInvalid "g03-extension-listener-without-hostname";
    ExtensionListenerNotAllowed "g04-extension-listener-not-allowed";
    ExtensionNotReady "g07-extension-deployment-not-ready";
    ExtensionConflict "g06-two-extensions-in-one-namespace";
    ExtensionGroupMismatch "extension-group-mismatch";
    GatewayNotIstio "g09-gateway-not-istio";
    BackendNotFound "backend-service-not-found";
    BackendInvalidKind "r11-backend-group-core";
    BackendPortMissing "r13-backend-port-missing";
    BackendPortNotFound "r13-backend-port-not-found";
    NoReadyEndpoints "r13-no-ready-endpoints";
    ExternalNameService "r16-external-name-service";
    HostnameBackendInvalid "r17-hostname-backend-invalid";
    BackendRefNotPermitted "pitfall-missing-reference-grant";
    ReferenceGrantWrongNamespace "pitfall-reference-grant-in-source-namespace";
    SecretNotFound "r22-ca-secret-not-found";
    SecretLabelMissing "r19-credential-secret-old-label";
    SecretKeyMissing "r22-ca-secret-key-missing";
    StatusStale "status-stale-route";
    StatusDisagrees "status-disagrees-with-specs";
    StatusForeignController "status-foreign-controller";
    StatusMissing "status-missing-for-parent";
    RegistrationNotReady "r13-registration-not-ready-broker";
    RegistrationReadyButBroken "r25-ready-but-broken";
    StatusRefuses "status-fresh-refusal";
}

/// The example of a code: `(scenario, broken, fixed)`.
pub fn example(code: Code) -> Option<(&'static str, &'static str, &'static str)> {
    EXAMPLES.iter().find(|e| e.0 == code).map(|e| (e.1, e.2, e.3))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_example_is_the_scenario_of_its_code() {
        let (scenario, broken, fixed) = super::example(super::Code::ParentNotFound).expect("an example");
        assert_eq!(scenario, "pitfall-parent-ref-without-namespace");
        assert!(fixed.contains("namespace: gateway-system") && broken != fixed);
        assert!(super::example(super::Code::ReadForbidden).is_none(), "cluster-only codes have none");
    }
}
