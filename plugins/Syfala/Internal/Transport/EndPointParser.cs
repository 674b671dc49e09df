using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SyfalaGraph.Plugins.Syfala.Internal.Transport;

/// <summary>Parses <c>host:port</c> (IPv6 as <c>[addr]:port</c>) and CIDR lists for the node parameters.</summary>
internal static class EndPointParser
{
    /// <summary>Checks the syntax of <paramref name="text"/>; null when valid, otherwise why not.</summary>
    public static string? Check(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "empty address: expected host:port";
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return $"'{text}' is not host:port";
        }

        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            return $"'{text}': write an IPv6 address as [address]:port";
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return $"'{text}': the port must be a number from 0 to 65535";
        }

        return null;
    }

    /// <summary>Resolves <paramref name="text"/> (host names through DNS, IPv4 preferred).</summary>
    /// <exception cref="FormatException">Bad syntax.</exception>
    /// <exception cref="SocketException">The host name does not resolve.</exception>
    public static IPEndPoint Resolve(string text)
    {
        string? error = Check(text, out string host, out int port);
        if (error is not null)
        {
            throw new FormatException(error);
        }

        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            return new IPEndPoint(address, port);
        }

        IPAddress[] addresses = Dns.GetHostAddresses(host);
        IPAddress chosen = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        return new IPEndPoint(chosen, port);
    }

    /// <summary>Parses CIDR blocks (<c>10.0.0.0/8</c>, <c>::1/128</c>; a bare address means that address only).</summary>
    public static string? TryParseNetworks(IReadOnlyList<string> cidrs, out List<IPNetwork> networks)
    {
        networks = [];
        foreach (string cidr in cidrs)
        {
            string text = cidr.Contains('/', StringComparison.Ordinal) ? cidr
                : IPAddress.TryParse(cidr, out IPAddress? single) ? $"{cidr}/{(single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)}" : cidr;
            if (!IPNetwork.TryParse(text, out IPNetwork network))
            {
                return $"'{cidr}' is not a CIDR block such as 192.168.1.0/24";
            }

            networks.Add(network);
        }

        return null;
    }
}
