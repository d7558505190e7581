package dev.evertone.proxy;

import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the proxy consults to route a request, and where it counts what it did. Made once per node
 * before the SIP stack starts; the stack's user factory then makes the {@link Proxy} with its
 * transaction layer and sockets.
 *
 * @param location the devices registered on this node
 * @param extensions whom an extension rings: the lines of its user's devices
 * @param routing trunks, numbers, forwarding rules and dial plans
 * @param cluster the other nodes, and the devices registered there
 * @param gate digest authentication of the devices that call (407)
 * @param tokens makes and checks the flow tokens of Record-Route; every node of a cluster needs the
 *     same secret
 * @param meters where the proxy's counters go
 * @param media whether calls' audio passes through evertone's relay, and the relay
 * @param records the call records (CDRs) of the calls through the proxy
 */
public record ProxyServices(
    LocationService location,
    ExtensionDirectory extensions,
    RoutingTable routing,
    Cluster cluster,
    DigestGate gate,
    FlowToken tokens,
    MeterRegistry meters,
    MediaAnchor media,
    CallRecords records) {}
