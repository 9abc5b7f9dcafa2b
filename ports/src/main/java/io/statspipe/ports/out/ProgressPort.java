package io.statspipe.ports.out;

import java.util.Optional;

/** Durable progress of resumable jobs (a backfill's last finished document). */
public interface ProgressPort {

    Optional<String> load(String job);

    void save(String job, String position);
}
