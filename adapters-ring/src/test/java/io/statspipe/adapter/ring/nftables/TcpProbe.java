package io.statspipe.adapter.ring.nftables;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Run inside a network namespace by {@link NftablesFirewallNamespaceTest}:
 * {@code listen ADDRESS PORT...} accepts (and closes) connections on each port until killed;
 * {@code connect SOURCE ADDRESS PORT} exits 0 when a connection from SOURCE is accepted, 1 when it
 * is refused or dropped (a drop shows as no answer within the connect timeout).
 */
public final class TcpProbe {
    private TcpProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("listen")) {
            List<Thread> acceptors = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                ServerSocket server = new ServerSocket();
                server.bind(new InetSocketAddress(args[1], Integer.parseInt(args[i])));
                Thread acceptor = new Thread(() -> acceptForever(server));
                acceptor.start();
                acceptors.add(acceptor);
            }
            System.out.println("listening");
            System.out.flush();
            for (Thread acceptor : acceptors) {
                acceptor.join();
            }
            return;
        }
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(args[1]), 0));
            // the timeout only decides when an unanswered (dropped) connection counts as refused
            socket.connect(new InetSocketAddress(args[2], Integer.parseInt(args[3])), 1_500);
            System.exit(0);
        } catch (IOException e) {
            System.exit(1);
        }
    }

    private static void acceptForever(ServerSocket server) {
        while (true) {
            try (Socket accepted = server.accept()) {
                accepted.getOutputStream().flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
