using System;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), so a
/// weight file's checksum can be verified with any standard tool, e.g. Python's <c>zlib.crc32</c>.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] s_table = CreateTable();

    /// <summary>The CRC-32 of <paramref name="bytes"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes) => Append(0, bytes);

    /// <summary>The CRC-32 of the bytes summed to <paramref name="crc"/> followed by <paramref name="bytes"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint[] table = s_table;
        uint state = ~crc;
        foreach (byte b in bytes)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }
        return ~state;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
