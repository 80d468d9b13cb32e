package io.jsock.lab.net;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one network namespace's protocol counters: {@code /proc/net/snmp} (Ip, Icmp, Tcp,
 * Udp, ...) and {@code /proc/net/netstat} (TcpExt, IpExt, ...). Each counter is named
 * {@code Group.Name}, e.g. {@code Tcp.RetransSegs}, {@code Tcp.OutRsts}, {@code Icmp.InDestUnreachs},
 * {@code TcpExt.TCPSynRetrans}. Counters are per namespace, so in a namespace a test made for itself
 * a difference between two snapshots counts exactly what that test did.
 */
public record NetCounters(Map<String, Long> values) {
    public NetCounters {
        values = Map.copyOf(values);
    }

    /** The counter {@code group.name}; an IllegalArgumentException naming it if this kernel has none. */
    public long get(String group, String name) {
        Long v = values.get(group + "." + name);
        if (v == null) throw new IllegalArgumentException("no counter " + group + "." + name + " in /proc/net/snmp or /proc/net/netstat");
        return v;
    }

    /** How much {@code group.name} grew from {@code before} to this snapshot. */
    public long since(NetCounters before, String group, String name) {
        return get(group, name) - before.get(group, name);
    }

    /**
     * Parses the kernel's format, shared by both files: pairs of lines, a header
     * {@code Tcp: RtoAlgorithm RtoMin ...} and then the values {@code Tcp: 1 200 ...}.
     */
    public static NetCounters parse(String... files) {
        Map<String, Long> all = new LinkedHashMap<>();
        for (String text : files) {
            String[] lines = text.split("\n");
            for (int i = 0; i + 1 < lines.length; i += 2) {
                String[] names = lines[i].trim().split("\\s+");
                String[] nums = lines[i + 1].trim().split("\\s+");
                if (names.length != nums.length || !names[0].equals(nums[0]) || !names[0].endsWith(":")) {
                    throw new IllegalArgumentException("not a header and values pair: '" + lines[i] + "' / '" + lines[i + 1] + "'");
                }
                String group = names[0].substring(0, names[0].length() - 1);
                for (int k = 1; k < names.length; k++) all.put(group + "." + names[k], Long.parseLong(nums[k]));
            }
        }
        return new NetCounters(all);
    }
}
