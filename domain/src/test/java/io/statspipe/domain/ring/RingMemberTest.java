package io.statspipe.domain.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RingMemberTest {

    @Test
    void aMemberNeedsAnAddressLiteralNotAHostName() {
        assertThat(new RingMember("c1", "10.0.0.1", "dc1", "r1", 7000, 9042, 0).address()).isEqualTo("10.0.0.1");
        assertThat(new RingMember("c1", "fd00::1", "dc1", "r1", 7000, 9042, 0).address()).isEqualTo("fd00::1");

        assertThatThrownBy(() -> new RingMember("c1", "cass1.internal", "dc1", "r1", 7000, 9042, 0))
                .hasMessage("address 'cass1.internal' is not an IPv4 or IPv6 address literal (host names are not accepted)");
        assertThatThrownBy(() -> new RingMember("c1", "10.0.0.256", "dc1", "r1", 7000, 9042, 0))
                .hasMessageContaining("'10.0.0.256' is not an IPv4 or IPv6 address literal");
    }

    @Test
    void badNamesAndPortsAreNamedInTheError() {
        assertThatThrownBy(() -> new RingMember("c 1", "10.0.0.1", "dc1", "r1", 7000, 9042, 0))
                .hasMessageContaining("member id 'c 1' must be 1 to 63 letters");
        assertThatThrownBy(() -> new RingMember("c1", "10.0.0.1", "dc1", "", 7000, 9042, 0))
                .hasMessageContaining("rack of member 'c1' '' must be");
        assertThatThrownBy(() -> new RingMember("c1", "10.0.0.1", "dc1", "r1", 70000, 9042, 0))
                .hasMessage("storage (internode) port of member 'c1' out of range: 70000 (1 to 65535)");
        assertThatThrownBy(() -> new RingMember("c1", "10.0.0.1", "dc1", "r1", 9042, 9042, 0))
                .hasMessageContaining("has the same storage and native port 9042");
    }
}
