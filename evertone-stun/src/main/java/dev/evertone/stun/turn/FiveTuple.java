package dev.evertone.stun.turn;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * The 5-tuple of an allocation (RFC 8656 2.2): the client's address and the server socket it talks
 * to (over TCP or TLS, the connection: RFC 8656 3.1).
 */
record FiveTuple(Channel listener, InetSocketAddress client) {}
