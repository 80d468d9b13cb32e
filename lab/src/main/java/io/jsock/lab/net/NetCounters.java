package io.jsock.lab.net;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one network namespace's protocol counters: {@code /proc/net/snmp} (Ip, Icmp, Tcp,
 * Udp, ...) and {@code /proc/net/netstat} (TcpExt, IpExt, ...). Each counter is named
 * {@code Group.Name}, e.g. {@code Tcp.RetransSegs}, {@code Tcp.OutRsts}, {@code Icmp.InDestUnreachs},
 * {@code TcpExt.TCPSynRetrans}. Counters are per namespace, so in a namespace a test made for itself
 * a difference between two snapshots counts exactly what that test did.
 *
 * @param values every counter by its name, {@code Group.Name}; never null
 */
public record NetCounters(Map<String, Long> values) {
    /**
     * A snapshot of these counters.
     *
     * @param values every counter by its name, {@code Group.Name}; copied; never null
     */
    public NetCounters {
        values = Map.copyOf(values);
    }

    /**
     * One counter.
     *
     * @param group the group, e.g. {@code Tcp} or {@code TcpExt}; never null
     * @param name  the counter in that group, e.g. {@code OutRsts}; never null
     * @return its value in this snapshot
     * @throws IllegalArgumentException naming the counter when this kernel has none by that name
     */
    public long get(String group, String name) {
        Long v = values.get(group + "." + name);
        if (v == null) throw new IllegalArgumentException("no counter " + group + "." + name + " in /proc/net/snmp or /proc/net/netstat");
        return v;
    }

    /**
     * How much one counter grew from {@code before} to this snapshot.
     *
     * @param before an earlier snapshot of the same namespace; never null
     * @param group  the group, e.g. {@code TcpExt}; never null
     * @param name   the counter in that group, e.g. {@code TCPSynRetrans}; never null
     * @return this snapshot's value minus {@code before}'s
     * @throws IllegalArgumentException naming the counter when this kernel has none by that name
     */
    public long since(NetCounters before, String group, String name) {
        return get(group, name) - before.get(group, name);
    }

    /**
     * Parses the kernel's format, shared by both files: pairs of lines, a header
     * {@code Tcp: RtoAlgorithm RtoMin ...} and then the values {@code Tcp: 1 200 ...}.
     *
     * @param files the contents of {@code /proc/net/snmp}, {@code /proc/net/netstat}, ...; never null
     * @return every counter of every file
     * @throws IllegalArgumentException when a pair of lines is not a header and its values
     * @throws NumberFormatException when a value is not a number
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
