package io.statspipe.ports.out;

import java.util.List;

/** What a legacy scan read: how many documents and buckets, and each document it had to skip and why. */
public record ScanReport(long documents, long buckets, List<String> skipped) {

    public ScanReport {
        skipped = List.copyOf(skipped);
    }
}
