//! The finding catalog: the only place a code exists and is worded. This table generates the
//! `Code` enum, what `explain` prints and `docs/findings.md`; the modules below hold one
//! constructor per code, which words its message and fix from the typed data an analyzer passes.
//! Codes are append-only and never reused.

use super::finding::Severity;

pub mod backend;
pub mod broker;
pub mod extension;
pub mod gateway;
pub mod input;
pub mod registration;
pub mod route;
pub mod secret;
pub mod status;

/// One catalog entry.
#[derive(Debug)]
pub struct CodeInfo {
    /// The enum variant.
    pub code: Code,
    /// Stable code, `MCPD` + 4 digits.
    pub id: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The Gateway API or controller reason it corresponds to, if any.
    pub reason: Option<&'static str>,
    /// One line: what is wrong.
    pub title: &'static str,
    /// Why it breaks the gateway.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

macro_rules! catalog {
    ($( $variant:ident $id:literal $name:literal $sev:ident $reason:expr ;
        title: $title:literal ; why: $why:literal ; fix: $fix:literal ; )*) => {
        /// Every finding code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $title] $variant, )* }

        /// The catalog, ordered by code.
        pub static CATALOG: &[CodeInfo] = &[ $( CodeInfo {
            code: Code::$variant, id: $id, name: $name, severity: Severity::$sev, reason: $reason,
            title: $title, why: $why, fix: $fix,
        }, )* ];
    };
}

impl Code {
    /// The catalog entry of this code.
    pub fn info(self) -> &'static CodeInfo {
        // The catalog lists every variant in declaration order (a unit test checks it), so the
        // lookup always succeeds; the fallback only keeps the function total.
        CATALOG.get(self as usize).filter(|c| c.code == self).unwrap_or(&CATALOG_FALLBACK)
    }

    /// Looks a code up by id (`MCPD0601`, any case) or name (`backend-ref-not-permitted`).
    pub fn find(query: &str) -> Option<&'static CodeInfo> {
        CATALOG.iter().find(|c| c.id.eq_ignore_ascii_case(query) || c.name == query)
    }
}

static CATALOG_FALLBACK: CodeInfo = CodeInfo {
    code: Code::ObjectMalformed,
    id: "MCPD0000",
    name: "unknown-code",
    severity: Severity::Error,
    reason: None,
    title: "unknown code",
    why: "The catalog does not list this code.",
    fix: "Report a bug.",
};

/// A controller's condition message as findings quote it: `(no message)` when it wrote none.
fn said(message: &str) -> &str {
    if message.is_empty() { "(no message)" } else { message }
}

/// Codes that were retired; they may never be reused.
pub const RETIRED: &[&str] = &[];

catalog! {
    ObjectMalformed "MCPD0001" "object-malformed" Error None;
        title: "an object the diagnosis needs does not decode";
        why: "A field has the wrong type or shape (`port: abc`, `parentRefs: 7`). The API server would reject the object, so no controller ever sees it, and the doctor cannot follow the references it holds.";
        fix: "Correct the field named in the finding; `kubectl apply --dry-run=server -f FILE` shows what the API server thinks of it.";
    RegistrationNotFound "MCPD0002" "registration-not-found" Error None;
        title: "no registration of the given name in the input or namespace";
        why: "The name on the command line matches no MCPServer or MCPServerRegistration where the doctor looked, so there is nothing to diagnose.";
        fix: "Check the name and namespace (`kubectl get mcpserverregistrations -A`), or pass `-n` with the namespace the finding names.";
    NoRegistrations "MCPD0003" "no-registrations" Info None;
        title: "the input holds no registration to diagnose";
        why: "Without an MCPServer or MCPServerRegistration no MCP server is registered with the gateway at all.";
        fix: "Create an MCPServerRegistration that targets the server's HTTPRoute, or point `-f`/`-n` at where it lives.";
    DuplicateObject "MCPD0004" "duplicate-object" Warning None;
        title: "the same object is defined more than once";
        why: "Two definitions of one namespace/name: `kubectl apply` keeps the last one, so the first is silently lost. The doctor does the same.";
        fix: "Remove one of the definitions.";
    ReadForbidden "MCPD0005" "read-forbidden" Info None;
        title: "the doctor may not read an object the chain needs";
        why: "The API server answered 403 Forbidden, so the links that need the object cannot be verified; the verdict is `unknown` unless something else is broken.";
        fix: "Apply the Role shown (or ask a cluster admin to), then run the doctor again; `docs/rbac.yaml` has a ClusterRole for every read.";
    ReadFailed "MCPD0006" "read-failed" Info None;
        title: "a read the chain needs failed";
        why: "The API server did not answer in time or kept failing (timeouts, 429, 5xx after retries), so the links that need the object cannot be verified.";
        fix: "Run again, with a larger `--request-timeout` if the server is slow; check the API server's health.";
    ObjectUnidentified "MCPD0007" "object-unidentified" Warning None;
        title: "an input object has no kind, apiVersion or name";
        why: "Without `kind`, `apiVersion` and `metadata.name` nothing can say what the object is (a `foo: bar` file, a fragment); the doctor ignores it, as the API server would refuse it.";
        fix: "Add the missing field, or remove the object from the input.";
    BreaksOnSomeReleases "MCPD0008" "breaks-on-some-releases" Warning None;
        title: "a link breaks on some of the candidate mcp-gateway releases only";
        why: "The input does not tell which mcp-gateway release runs, and the rule that breaks (its code is the finding's `cause`) holds on some candidates and not on others. Calling a working install broken would be worse than a warning.";
        fix: "Pass `--mcp-gateway-version` with the release that runs for the exact verdict, or make the change the cause's fix names, which works on every release.";
    OtherObjectMalformed "MCPD0009" "other-object-malformed" Warning None;
        title: "an object no diagnosed chain needs does not decode";
        why: "A field has the wrong type or shape, so the API server would reject the object; no chain of the registrations diagnosed reads it, so their verdicts do not change.";
        fix: "Correct the field named in the finding, or leave the object out of the input.";
    SchemaRefuses "MCPD0010" "schema-refuses" Warning None;
        title: "the Gateway API schema refuses a field of the manifest";
        why: "Checked in files only (a cluster's objects passed it): decoded with the Gateway API types, the object has a value the API server's schema refuses (an unknown enum value such as path type `Prefix`, a missing required field), so `kubectl apply` would reject it. The doctor's lenient view reads the rest, so the diagnosis goes on; the cluster's Gateway API version may differ from the types', hence a warning.";
        fix: "Correct the field named in the finding; `kubectl apply --dry-run=server -f FILE` shows what the API server says.";
    TargetRefInvalidKind "MCPD0101" "target-ref-invalid-kind" Error Some("NotReady");
        title: "the registration's targetRef is not an HTTPRoute";
        why: "The controller only follows `gateway.networking.k8s.io` `HTTPRoute` targets (`invalid targetRef kind`); anything else is rejected and no tools are federated.";
        fix: "Set `spec.targetRef.group: gateway.networking.k8s.io` and `spec.targetRef.kind: HTTPRoute` (or drop both, they default).";
    TargetRefCrossNamespace "MCPD0102" "target-ref-cross-namespace" Error Some("NotReady");
        title: "the registration points at a route in another namespace";
        why: "Current controllers ignore `spec.targetRef.namespace` and look the route up in the registration's own namespace (`failed to get targeted httproute`); old ones reject it (`cross-namespace reference ... not allowed`). Registration and route must share a namespace.";
        fix: "Create the registration in the route's namespace and drop `spec.targetRef.namespace`.";
    TargetRouteNotFound "MCPD0103" "target-route-not-found" Error Some("NotReady");
        title: "the HTTPRoute the registration targets does not exist";
        why: "The controller looks the route up by `spec.targetRef.name` in the registration's namespace; without it there is nothing to federate (`failed to get targeted httproute`).";
        fix: "Fix `spec.targetRef.name`, or create the HTTPRoute in the registration's namespace.";
    ToolPrefixPruned "MCPD0104" "tool-prefix-pruned" Warning None;
        title: "the prefix is set in a field the release's schema does not have";
        why: "mcp-gateway v0.7.0 renamed `toolPrefix` to `prefix` without conversion: the API server prunes whichever field the running release's schema lacks (`toolPrefix` from v0.7.0, `prefix` before), and the tools are federated unprefixed, where they can collide with other servers' tools.";
        fix: "Use the field of the running release: `spec.prefix` from v0.7.0, `spec.toolPrefix` before.";
    PrefixInvalid "MCPD0105" "prefix-invalid" Error None;
        title: "`spec.prefix` does not match `^[a-z0-9][a-z0-9_]*$`";
        why: "The CRD validates the prefix pattern, so the API server rejects the registration on apply.";
        fix: "Use lower-case letters, digits and underscores, starting with a letter or digit (e.g. `github_`).";
    RegistrationDisabled "MCPD0106" "registration-disabled" Warning Some("Disabled");
        title: "the registration is disabled";
        why: "`spec.state: Disabled` tells the controller to keep the server out of the gateway (`server is disabled`); its tools are not listed.";
        fix: "Set `spec.state: Enabled` (or remove the field) when the server should be served.";
    RegistrationApiOutdated "MCPD0107" "registration-api-outdated" Error None;
        title: "a registration of the mcp.kagenti.com group next to an mcp.kuadrant.io installation";
        why: "Controllers from mcp-gateway v0.6 on only watch `mcp.kuadrant.io`; objects of the old `mcp.kagenti.com` group are ignored.";
        fix: "Re-create it as `apiVersion: mcp.kuadrant.io/v1`, `kind: MCPServerRegistration` (rename `toolPrefix` to `prefix`).";
    PrefixConflict "MCPD0108" "prefix-conflict" Error Some("PrefixConflict");
        title: "two registrations on one extension use the same prefix";
        why: "Tool names are `prefix + name`; the controller keeps the oldest registration and rejects the other (`PrefixConflict`), older brokers report conflicting tools.";
        fix: "Give every registration served by the same MCPGatewayExtension its own `spec.prefix`.";
    RegistrationStuckDeleting "MCPD0109" "registration-stuck-deleting" Warning None;
        title: "the registration is being deleted but its finalizers remain";
        why: "The controller removes its finalizer after cleaning up; when it cannot (it is not running, the finalizer belongs to an older API group, or a route status entry of another controller holds only the mcp-gateway `Programmed` condition, mcp-gateway#1513), the object stays Terminating and its tools may linger.";
        fix: "Check the mcp-gateway controller; if it cannot finish, remove the finalizer by hand (the command shown).";
    PrefixShared "MCPD0110" "prefix-shared" Warning None;
        title: "two registrations of one extension share a prefix";
        why: "Up to v0.9.0 the controller serves both; their tools of the same name collide in the broker and clients see only one (main refuses the younger registration: `MCPD0108`).";
        fix: "Give each registration its own prefix (changing a set prefix needs delete and re-create).";
    FieldPruned "MCPD0111" "field-pruned" Warning None;
        title: "the registration sets a field the release's schema does not have";
        why: "`spec.state` and `spec.caCertSecretRef` exist from mcp-gateway v0.7.0; an earlier release's CRD has no such field, so the API server prunes it on apply: a Disabled server stays served, a CA is never trusted.";
        fix: "Drop the field on releases before v0.7.0, or upgrade mcp-gateway.";
    RouteNoBackendRefs "MCPD0201" "route-no-backend-refs" Error Some("NotReady");
        title: "the HTTPRoute has no backendRef";
        why: "The controller builds the upstream URL from `rules[0].backendRefs[0]` (`has no backend references`).";
        fix: "Add one rule with one backendRef to the MCP server's Service.";
    RouteMultipleRules "MCPD0202" "route-multiple-rules" Error Some("NotReady");
        title: "the HTTPRoute has more than one rule";
        why: "The controller supports exactly one rule per MCP route (`has > 1 rule, which is unsupported`).";
        fix: "Split the route: one HTTPRoute (and one registration) per MCP server.";
    RouteMultipleBackendRefs "MCPD0203" "route-multiple-backend-refs" Error Some("NotReady");
        title: "the HTTPRoute rule has more than one backendRef";
        why: "The controller supports exactly one backend (`has > 1 backend reference, which is unsupported`).";
        fix: "Keep one backendRef; put other backends behind their own routes and registrations.";
    RouteNoHostnames "MCPD0204" "route-no-hostnames" Error Some("NotReady");
        title: "the HTTPRoute has no hostname";
        why: "Tool calls are routed by rewriting `:authority` to `hostnames[0]`; without one the controller refuses the route (`must have at least one hostname`).";
        fix: "Add a hostname that the listener admits, e.g. `weather.mcp.local` for a `*.mcp.local` listener.";
    RouteNoParentRefs "MCPD0205" "route-no-parent-refs" Error None;
        title: "the HTTPRoute has no parentRef";
        why: "A route without parentRefs is attached to no Gateway, so no controller accepts it and the registration reports `no valid gateways for httproute`.";
        fix: "Add a parentRef to the MCP Gateway, with its namespace and the listener's sectionName.";
    ParentNotFound "MCPD0206" "parent-gateway-not-found" Error None;
        title: "a parentRef names a Gateway that does not exist";
        why: "A parentRef's namespace defaults to the route's own namespace. When the Gateway lives elsewhere, the reference resolves to nothing and no controller writes a status for it.";
        fix: "Set `spec.parentRefs[N].namespace` to the Gateway's namespace (or fix the name).";
    ParentUnsupportedKind "MCPD0207" "parent-ref-unsupported-kind" Error None;
        title: "a parentRef is not a Gateway or ListenerSet";
        why: "MCP routes attach to Gateway listeners; other parent kinds (a Service for mesh routing) are not served by the MCP gateway.";
        fix: "Point the parentRef at the MCP Gateway (drop `group` and `kind`: they default to `gateway.networking.k8s.io` `Gateway`).";
    ParentFailsAnotherAttaches "MCPD0208" "parent-fails-another-attaches" Warning None;
        title: "a parentRef fails, but another attaches the route";
        why: "A route with several parentRefs works when one of them attaches it to a listener the gateway serves; the failing one (its code is the finding's `cause`) is dead configuration, or the parent a move left behind.";
        fix: "Fix the failing parentRef as its cause says, or remove it.";
    ExtraRulesIgnored "MCPD0209" "extra-rules-ignored" Warning None;
        title: "the controller serves the route's first rule and backendRef only";
        why: "Up to v0.4.1 the controller builds the upstream from `rules[0].backendRefs[0]` and silently ignores the rest (its code is the finding's `cause`); from v0.4.2 the same route is refused.";
        fix: "Keep one rule with one backendRef per MCP server route, as later releases require.";
    ListenerSetNotAllowed "MCPD0210" "listener-set-not-allowed" Error Some("NotAllowed");
        title: "the route's ListenerSet is not accepted by its Gateway";
        why: "A Gateway accepts ListenerSets only from the namespaces its `spec.allowedListeners` names, and it names none by default (`from: None`): the ListenerSet's listeners do not exist for the routes that attach to them.";
        fix: "Let the Gateway accept ListenerSets from the ListenerSet's namespace (`spec.allowedListeners.namespaces.from: Same`, `All` or `Selector`), or attach the route to a Gateway listener.";
    NoMatchingParent "MCPD0301" "no-matching-parent" Error Some("NoMatchingParent");
        title: "no listener matches the parentRef's sectionName or port";
        why: "With `sectionName` (or `port`) the route only attaches to that listener; when the Gateway has no such listener the route is not accepted.";
        fix: "Use the name (and port) of an existing listener of that Gateway.";
    NotAllowedByListenersNamespace "MCPD0302" "not-allowed-by-listeners-namespace" Error Some("NotAllowedByListeners");
        title: "the listener does not admit routes from the route's namespace";
        why: "`allowedRoutes.namespaces.from` defaults to `Same`: only routes in the Gateway's namespace attach. A ReferenceGrant does not help; the listener has to admit the namespace.";
        fix: "Set the listener's `allowedRoutes.namespaces.from: All`, or `Selector` with a selector that matches the route namespace's labels (and label the Namespace).";
    NotAllowedByListenersKind "MCPD0303" "not-allowed-by-listeners-kind" Error Some("NotAllowedByListeners");
        title: "the listener does not accept HTTPRoutes";
        why: "HTTPRoutes only attach to HTTP and HTTPS listeners whose `allowedRoutes.kinds` (when set) includes HTTPRoute.";
        fix: "Attach to an HTTP/HTTPS listener, or add `{kind: HTTPRoute}` to its `allowedRoutes.kinds`.";
    NoMatchingListenerHostname "MCPD0304" "no-matching-listener-hostname" Error Some("NoMatchingListenerHostname");
        title: "no route hostname intersects the listener's hostname";
        why: "A route attaches only where one of its hostnames matches the listener hostname; `*.mcp.local` matches `a.mcp.local` but not `mcp.local` nor `a.mcp.example`.";
        fix: "Use a route hostname under the listener's domain, or a listener whose hostname covers it.";
    GatewayClassNotFound "MCPD0305" "gateway-class-not-found" Error None;
        title: "the Gateway's GatewayClass does not exist";
        why: "No controller acts on a Gateway whose class does not exist: it stays `Pending` and no route attaches.";
        fix: "Set `spec.gatewayClassName` to an installed class (`kubectl get gatewayclass`), e.g. `istio`.";
    GatewayClassNotAccepted "MCPD0306" "gateway-class-not-accepted" Error None;
        title: "the GatewayClass is not accepted by its controller";
        why: "A class whose controller is not running (or rejects it) stays `Accepted=Unknown/Pending`; its Gateways are never programmed.";
        fix: "Install or fix the controller named in `spec.controllerName` of the GatewayClass.";
    GatewayNotProgrammed "MCPD0307" "gateway-not-programmed" Error None;
        title: "the Gateway is not accepted or programmed";
        why: "The Gateway's own status says its controller has not programmed it; routes attached to it receive no traffic.";
        fix: "Read the Gateway's conditions (`kubectl describe gateway`) and fix the cause they name.";
    ListenerNotReady "MCPD0308" "listener-not-ready" Warning None;
        title: "a listener the route attaches to is not healthy";
        why: "A listener with `Programmed=False` or `ResolvedRefs=False` still counts attached routes, but serves no traffic.";
        fix: "Fix the listener (`certificateRefs`, `allowedRoutes.kinds`, hostname/port conflicts) as its conditions say.";
    NoExtensionForGateway "MCPD0401" "no-extension-for-gateway" Error Some("NotReady");
        title: "no valid MCPGatewayExtension serves the route's Gateway";
        why: "Since mcp-gateway v0.5 an MCPGatewayExtension must target the Gateway the route attaches to; otherwise no broker is configured for it (`no valid mcpgatewayextensions configured`).";
        fix: "Create an MCPGatewayExtension that targets the Gateway and the MCP listener (in another namespace, with a ReferenceGrant in the Gateway's namespace).";
    NoExtensionForListener "MCPD0402" "no-extension-for-listener-port" Error Some("NotReady");
        title: "the route's listener is on a port no extension serves";
        why: "The ext_proc filter is bound per listener port: the route must attach to a listener on the same port as the extension's listener (`no matching mcpgatewayextensions for attached listener`).";
        fix: "Set the parentRef's `sectionName` to a listener on the extension's port (e.g. `mcps`), or add an extension for that listener.";
    ExtensionHostnameMultiLabel "MCPD0403" "extension-hostname-multi-label" Error Some("NotReady");
        title: "the route hostname has several labels under the listener wildcard";
        why: "Without `sectionName` the controller matches the route hostname against the listener hostname itself, and its `*.x` covers exactly one label; Gateway API accepts `a.b.x`, the controller does not.";
        fix: "Add `sectionName` to the parentRef, or use a one-label hostname such as `a.mcp.local`.";
    ExtensionGrantMissing "MCPD0404" "extension-reference-grant-missing" Error Some("ReferenceGrantRequired");
        title: "the extension targets a Gateway in another namespace without a ReferenceGrant";
        why: "An MCPGatewayExtension outside the Gateway's namespace needs a ReferenceGrant in the Gateway's namespace from its own group, kind and namespace; until then it is not Ready and writes an empty config.";
        fix: "Create the ReferenceGrant shown in the Gateway's namespace (note `from.group` is `mcp.kuadrant.io` since v0.6).";
    ExtensionGatewayNotFound "MCPD0405" "extension-gateway-not-found" Error Some("InvalidMCPGatewayExtension");
        title: "the extension targets a Gateway that does not exist";
        why: "The extension is invalid (`gateway target ns/name not found`). With `targetRef.namespace` omitted the controller looks up `/<name>` and never finds it.";
        fix: "Set `spec.targetRef.namespace` and `spec.targetRef.name` to the Gateway's.";
    ExtensionListenerInvalid "MCPD0406" "extension-listener-invalid" Error Some("InvalidMCPGatewayExtension");
        title: "the extension's listener is missing or has no hostname";
        why: "The extension must name an existing listener (`sectionName`, required since v0.5.1) that has a hostname, or set `spec.publicHost`.";
        fix: "Set `spec.targetRef.sectionName` to a listener of the Gateway; give it a hostname or set `spec.publicHost`.";
    ExtensionListenerNotAllowed "MCPD0407" "extension-listener-not-allowed" Error Some("InvalidMCPGatewayExtension");
        title: "the extension's listener does not admit routes from the extension's namespace";
        why: "The controller creates `mcp-gateway-route` in the extension's namespace and re-checks the listener's `allowedRoutes` (`does not allow routes from namespace`).";
        fix: "Set the listener's `allowedRoutes.namespaces.from: All`, or a selector that matches the extension's namespace.";
    ExtensionNotReady "MCPD0408" "extension-not-ready" Error None;
        title: "the extension reports Ready=False";
        why: "The extension's controller wrote `Ready=False`; its broker does not serve the registrations that depend on it.";
        fix: "Fix the cause in the condition's reason and message (e.g. `DeploymentNotReady`: check `deploy/mcp-gateway` in its namespace).";
    ExtensionConflict "MCPD0409" "extension-conflict" Error Some("InvalidMCPGatewayExtension");
        title: "two extensions conflict";
        why: "One extension per namespace, and one per listener port of a Gateway: the oldest wins, the other is invalid (`conflict: ...`).";
        fix: "Delete the newer extension or move it to a listener on another port.";
    ExtensionGroupMismatch "MCPD0410" "extension-api-group-mismatch" Error Some("NotReady");
        title: "the Gateway's extension belongs to another API group than the registration";
        why: "An extension only serves registrations of its own API group: an `mcp.kuadrant.io` extension ignores `mcp.kagenti.com` registrations and vice versa.";
        fix: "Migrate the registration (or the extension) so both use the same group, normally `mcp.kuadrant.io/v1`.";
    GatewayNotIstio "MCPD0411" "gateway-not-istio" Warning None;
        title: "the extension's Gateway is not implemented by Istio";
        why: "The MCPGatewayExtension hooks the broker into the Gateway with an Istio EnvoyFilter; a Gateway of another implementation ignores it, so MCP traffic reaches the route without the router (tools do not federate).";
        fix: "Use an Istio GatewayClass for the MCP Gateway (`gatewayClassName: istio`).";
    BackendNotFound "MCPD0501" "backend-not-found" Error Some("BackendNotFound");
        title: "the backendRef names a Service that does not exist";
        why: "Gateway API marks the route `ResolvedRefs=False/BackendNotFound` (requests get 500) and the controller fails with `failed to get service`.";
        fix: "Fix the backendRef's name/namespace, or create the Service.";
    BackendInvalidKind "MCPD0502" "backend-invalid-kind" Error Some("InvalidKind");
        title: "the backendRef is neither a Service nor an Istio Hostname";
        why: "Only core Services (`group: \"\"`) and `networking.istio.io` `Hostname` backends are supported; `group: core` is not the core group.";
        fix: "Use `group: \"\"` and `kind: Service` (or drop both: they default).";
    BackendPortMissing "MCPD0503" "backend-port-missing" Error None;
        title: "the Service backendRef has no port";
        why: "Gateway API requires `port` for Service backends; the API server rejects the route.";
        fix: "Set `backendRefs[].port` to a port of the Service's `spec.ports` (the Service port, not the targetPort).";
    BackendPortNotFound "MCPD0504" "backend-port-not-found" Error Some("PortNotFound");
        title: "the backendRef port is not a port of the Service";
        why: "The upstream URL uses the backendRef port; a port the Service does not expose refuses connections, so the server's tools never load.";
        fix: "Set the backendRef port to one of the Service's `spec.ports[].port`.";
    NoReadyEndpoints "MCPD0505" "no-ready-endpoints" Error None;
        title: "the backend Service has no ready endpoints";
        why: "Without ready endpoints the broker cannot connect to the server (`connection refused`), so no tools are discovered and calls get 503.";
        fix: "Make the server's pods Ready (check the Service selector and the pods' readiness probe).";
    ExternalNameService "MCPD0506" "external-name-service" Warning None;
        title: "the backend is an ExternalName Service";
        why: "The router rewrites `:authority` to the external name: tools list, but tool calls bypass the HTTPRoute and can 404.";
        fix: "Use an Istio `Hostname` backendRef with a ServiceEntry instead of an ExternalName Service.";
    HostnameBackendInvalid "MCPD0507" "hostname-backend-invalid" Error Some("NotReady");
        title: "the Istio Hostname backendRef is not a valid host name";
        why: "The controller rejects it (`invalid hostname in backendRef`).";
        fix: "Use a lower-case DNS name such as `api.example.com`.";
    BackendRefNotPermitted "MCPD0601" "backend-ref-not-permitted" Error Some("RefNotPermitted");
        title: "a cross-namespace backendRef is not permitted by a ReferenceGrant";
        why: "A route may only reference a Service in another namespace when a ReferenceGrant in the Service's namespace allows HTTPRoutes from the route's namespace. This is checked before the Service's existence.";
        fix: "Create the ReferenceGrant shown, in the Service's namespace.";
    ReferenceGrantWrongNamespace "MCPD0602" "reference-grant-wrong-namespace" Error Some("RefNotPermitted");
        title: "the ReferenceGrant is in the route's namespace instead of the Service's";
        why: "A ReferenceGrant lets objects elsewhere point into its own namespace; one in the route's namespace grants nothing.";
        fix: "Move the ReferenceGrant to the Service's namespace.";
    SecretNotFound "MCPD0701" "secret-not-found" Error Some("NotReady");
        title: "a credential or CA Secret does not exist";
        why: "The controller reads `credentialRef`/`caCertSecretRef` Secrets from the registration's namespace (`credential secret ... not found`).";
        fix: "Create the Secret in the registration's namespace, with the label and key the finding names.";
    SecretLabelMissing "MCPD0702" "secret-label-missing" Error Some("NotReady");
        title: "the Secret lacks the label the controller requires";
        why: "The controller only reads Secrets that carry its label (`mcp.kuadrant.io/secret=true` since v0.6; older releases used other labels), so an upgrade can break an old Secret.";
        fix: "Label the Secret as shown.";
    SecretKeyMissing "MCPD0703" "secret-key-missing" Error Some("NotReady");
        title: "the Secret lacks the key the registration names";
        why: "`credentialRef.key` defaults to `token`, `caCertSecretRef.key` to `ca.crt`; a missing key fails validation (`missing key`).";
        fix: "Add the key to the Secret, or set the ref's `key` to an existing one.";
    StatusStale "MCPD0901" "status-stale" Warning None;
        title: "a status describes an older generation of the object";
        why: "`observedGeneration` lower than `metadata.generation` means the controller has not processed the latest spec (lagging or not running).";
        fix: "Check that the controller runs and read its logs; do not trust the stale condition.";
    StatusDisagrees "MCPD0902" "status-disagrees" Warning None;
        title: "the controller's status disagrees with what the specs imply";
        why: "The conditions a controller wrote contradict the verdict derived from the objects: the status may be stale, or the implementation behaves differently.";
        fix: "Compare the condition with the finding; re-apply the object or check the controller.";
    StatusForeignController "MCPD0903" "status-foreign-controller" Warning None;
        title: "a route status entry comes from a controller the GatewayClass does not name";
        why: "Only the controller in the GatewayClass's `spec.controllerName` decides attachment; other entries are leftovers or belong to other parents.";
        fix: "Ignore or remove the stale entry; make sure the class's controller runs.";
    StatusMissing "MCPD0904" "status-missing" Warning None;
        title: "no controller wrote a status where one should have";
        why: "An object read from a cluster without a status entry for its parent means no controller acts on it: the class's controller is not running or does not watch it.";
        fix: "Check the GatewayClass's controller is installed and running.";
    RegistrationNotReady "MCPD0905" "registration-not-ready" Error None;
        title: "the registration reports Ready=False";
        why: "The controller says the server is not ready and gives the reason; the specs do not explain it (a broker-side or runtime cause).";
        fix: "Act on the condition's message; the broker's `/status` endpoint gives details.";
    RegistrationReadyButBroken "MCPD0906" "registration-ready-but-broken" Warning None;
        title: "the registration reports Ready=True although a link is broken";
        why: "Since v0.8 Ready only means the config was written; or the status is older than the change that broke the link.";
        fix: "Trust the broken link the doctor names; re-check after fixing it.";
    StatusRefuses "MCPD0907" "status-refuses-current-spec" Error None;
        title: "the controller refused the object's current spec";
        why: "A condition whose `observedGeneration` equals `metadata.generation` says `False`: the controller that owns the object has seen this exact spec and refused it, so traffic does not flow, whatever the specs seem to imply.";
        fix: "Act on the controller's reason and message; `kubectl describe` the object for the full condition.";
    BrokerNotReady "MCPD1001" "broker-server-not-ready" Error None;
        title: "the broker cannot serve the server's tools";
        why: "With `--probe`, the broker's `/status` says the server is not ready: it could not connect to the upstream, initialize the MCP session or list its tools, so no tool of this server reaches clients. From v0.8.0 the registration's `Ready=True` only means the config was written, so the broker is the only place this shows.";
        fix: "Act on the broker's message: an authentication error points at the credentialRef Secret, a refused connection at the backend Service and port, a protocol error at the server's MCP version.";
    BrokerNotLoaded "MCPD1002" "broker-server-not-loaded" Warning None;
        title: "the broker does not know the server";
        why: "With `--probe`, the broker answered 404 for this server: the config it loaded has no entry for the registration. Kubelet syncs the config Secret `mcp-gateway-config` into the broker within about a minute of a change, so a new registration shows this for a while; for longer, the controller has not written the entry.";
        fix: "Probe again in a minute; if it persists, check the server's entry in the `mcp-gateway-config` Secret of the extension's namespace and the controller's logs.";
    BrokerUnreachable "MCPD1003" "broker-unreachable" Error None;
        title: "the broker Service is missing or has no ready endpoint";
        why: "From v0.5.1 the controller creates the Deployment and Service `mcp-gateway` in each extension's namespace; without the Service, or without a ready pod behind it, no registration of that extension is served.";
        fix: "Check the extension's Ready condition and the `mcp-gateway` Deployment, Service and EndpointSlices in its namespace.";
    BrokerToolConflict "MCPD1004" "broker-tool-conflict" Warning None;
        title: "the server's tools have the names of another server's tools";
        why: "Two servers federated by one broker expose tools of the same name: clients see only one of them (v0.4.2 to v0.7.x refuse the later server).";
        fix: "Give the registrations distinct prefixes (`spec.prefix`; `spec.toolPrefix` before v0.7.0).";
    BrokerInvalidTools "MCPD1005" "broker-invalid-tools" Warning None;
        title: "the broker dropped tools it found invalid";
        why: "With the default `--invalid-tool-policy=FilterOut` the broker drops tools whose name or schema is invalid and serves the rest; the dropped tools never reach clients.";
        fix: "Fix the named tools' definitions in the MCP server.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_in_declaration_order() {
        for (i, c) in CATALOG.iter().enumerate() {
            assert_eq!(c.code as usize, i, "{}", c.id);
            assert!(c.id.starts_with("MCPD") && c.id.len() == 8, "{}", c.id);
            assert!(!RETIRED.contains(&c.id));
        }
        for pair in CATALOG.windows(2) {
            assert!(pair[0].id < pair[1].id, "{} !< {}", pair[0].id, pair[1].id);
        }
        let mut names: Vec<_> = CATALOG.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
    }

    #[test]
    fn lookup_by_id_or_name() {
        assert_eq!(Code::find("mcpd0601").map(|c| c.name), Some("backend-ref-not-permitted"));
        assert_eq!(Code::find("backend-ref-not-permitted").map(|c| c.id), Some("MCPD0601"));
        assert!(Code::find("MCPD9999").is_none());
    }
}
