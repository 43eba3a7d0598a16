using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Saves named tensors (a model's weights) to a file and loads them back, checking the file's integrity.</summary>
/// <remarks>
/// <para>The format, version 1. Every integer is an int32 and every element a float32, both little-endian:</para>
/// <code>
/// size   field
/// 4      magic: the ASCII bytes "ADGW" (0x41 0x44 0x47 0x57)
/// 4      format version: 1
/// 4      tensor count N (≥ 0)
///        then N times, in the order given to Save:
/// 4        name length L in bytes (≥ 0)
/// L        name, UTF-8, no terminator
/// 4        rank R: 1 (vector) or 2 (matrix)
/// 4·R      dimensions (≥ 0): [length] or [rows, columns]
/// 4·n      the n elements (the product of the dimensions), row-major
/// 4      CRC-32 of every byte before it (IEEE 802.3, the value of Python's zlib.crc32), as a little-endian uint32
/// </code>
/// <para>
/// Loading reads the whole file and checks its structure and checksum before creating or overwriting any tensor, so a
/// truncated or corrupt file throws an <see cref="InvalidDataException"/> that names the file and what was wrong, and
/// leaves the destination as it was. A file is read into memory whole, so it must be smaller than 2 GiB.
/// </para>
/// <para>
/// Saving writes a temporary file in the destination's directory, flushes it to disk and then renames it over the
/// destination, so a reader sees either the old file or the complete new one, never a partial file. If saving fails,
/// the temporary file is deleted and an existing file at the path is left intact.
/// </para>
/// </remarks>
public static class WeightFile
{
    /// <summary>The format version this class writes and reads.</summary>
    public const int FormatVersion = 1;

    private const int HeaderSize = 12;   // magic, version, count
    private const int ChecksumSize = 4;
    private const int MinimumEntrySize = 12;   // name length, rank, one dimension

    private static ReadOnlySpan<byte> Magic => "ADGW"u8;

    // Throws on invalid UTF-16 (a lone surrogate) when saving and on invalid UTF-8 when loading, instead of
    // silently writing or reading a replacement character.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="namedTensors"/>, in order, to <paramref name="path"/>, replacing any file there atomically.</summary>
    /// <param name="path">The file to write; its directory must exist.</param>
    /// <param name="namedTensors">The tensors and their names (non-null; any text, need not be unique).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a directory, or an entry has a null name, a null tensor or a name that
    /// is not valid UTF-16.
    /// </exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">Writing or renaming failed; any existing file at <paramref name="path"/> is unchanged.</exception>
    public static void Save(string path, IReadOnlyList<KeyValuePair<string, Tensor>> namedTensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(namedTensors);
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        string? directory = Path.GetDirectoryName(fullPath);
        if (fileName.Length == 0 || directory is null)
        {
            throw new ArgumentException($"Cannot save weights to '{path}': the path names a directory, not a file.", nameof(path));
        }
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot save weights to '{path}': the directory '{directory}' does not exist.");
        }

        string temporaryPath = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                var writer = new ChecksummedWriter(stream);
                WriteContent(writer, namedTensors);
                Span<byte> checksum = stackalloc byte[ChecksumSize];
                BinaryPrimitives.WriteUInt32LittleEndian(checksum, writer.Checksum);
                stream.Write(checksum);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
        }
    }

    /// <summary>Reads every tensor in the weight file at <paramref name="path"/>, in file order, with its name.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The names and new tensors, in the order they were saved.</returns>
    /// <exception cref="InvalidDataException">The file is not a weight file, has another format version, or is truncated or corrupt; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        List<Entry> entries = ReadEntries(path, bytes);
        var result = new KeyValuePair<string, Tensor>[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            Entry entry = entries[i];
            Tensor tensor = entry.Rank == 1 ? Tensor.Zeros(entry.Columns) : Tensor.Zeros(entry.Rows, entry.Columns);
            CopyElements(bytes.AsSpan(entry.DataOffset, tensor.Length * sizeof(float)), tensor.AsSpan());
            result[i] = new KeyValuePair<string, Tensor>(entry.Name, tensor);
        }
        return result;
    }

    /// <summary>
    /// Reads the weight file at <paramref name="path"/> into the tensors of <paramref name="destination"/>, which must
    /// have the file's names, in the file's order, with the file's shapes.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="destination">The names and tensors to overwrite, such as a model's weights.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> has a null entry, or differs from the file in count, names, order or shapes; the
    /// message names the file, the tensor and both shapes. No tensor is changed.
    /// </exception>
    /// <exception cref="InvalidDataException">The file is not a weight file, has another format version, or is truncated or corrupt. No tensor is changed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void LoadInto(string path, IReadOnlyList<KeyValuePair<string, Tensor>> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(destination);
        for (int i = 0; i < destination.Count; i++)
        {
            if (destination[i].Key is null || destination[i].Value is null)
            {
                throw new ArgumentException($"destination[{i}] has a null {(destination[i].Key is null ? "name" : "tensor")}.", nameof(destination));
            }
        }

        byte[] bytes = File.ReadAllBytes(path);
        List<Entry> entries = ReadEntries(path, bytes);
        RequireSameLayout(path, entries, destination);
        for (int i = 0; i < entries.Count; i++)
        {
            Tensor tensor = destination[i].Value;
            CopyElements(bytes.AsSpan(entries[i].DataOffset, tensor.Length * sizeof(float)), tensor.AsSpan());
        }
    }

    private static void WriteContent(ChecksummedWriter writer, IReadOnlyList<KeyValuePair<string, Tensor>> namedTensors)
    {
        writer.Write(Magic);
        writer.WriteInt32(FormatVersion);
        writer.WriteInt32(namedTensors.Count);
        for (int i = 0; i < namedTensors.Count; i++)
        {
            // Entries are checked as they are written; a bad one aborts the save and the temporary file is deleted.
            (string name, Tensor tensor) = namedTensors[i];
            if (name is null)
            {
                throw new ArgumentException($"namedTensors[{i}] has a null name.", nameof(namedTensors));
            }
            if (tensor is null)
            {
                throw new ArgumentException($"namedTensors[{i}] ('{name}') has a null tensor.", nameof(namedTensors));
            }
            byte[] nameBytes;
            try
            {
                nameBytes = s_strictUtf8.GetBytes(name);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException($"The name of namedTensors[{i}] is not valid UTF-16: {e.Message}", nameof(namedTensors), e);
            }

            writer.WriteInt32(nameBytes.Length);
            writer.Write(nameBytes);
            writer.WriteInt32(tensor.Rank);
            if (tensor.Rank == 2)
            {
                writer.WriteInt32(tensor.Rows);
            }
            writer.WriteInt32(tensor.Columns);
            writer.WriteElements(tensor.AsSpan());
        }
    }

    // Parses the structure, then verifies the checksum, before any tensor is created, so a bad file fails as a whole.
    // Structure comes first so that a truncated file is reported as truncated rather than as a checksum mismatch.
    private static List<Entry> ReadEntries(string path, byte[] bytes)
    {
        int prefix = Math.Min(bytes.Length, Magic.Length);
        if (!bytes.AsSpan(0, prefix).SequenceEqual(Magic[..prefix]))
        {
            throw new InvalidDataException(
                $"'{path}' is not an AutoDiffGen weight file: it starts with {Hex(bytes.AsSpan(0, prefix))}, not the magic \"ADGW\" ({Hex(Magic)}).");
        }
        if (bytes.Length < HeaderSize + ChecksumSize)
        {
            throw new InvalidDataException(
                $"Weight file '{path}' is truncated: it has {bytes.Length} bytes, fewer than the {HeaderSize + ChecksumSize} of even an empty weight file.");
        }
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Weight file '{path}' has format version {version}; this version of AutoDiffGen reads version {FormatVersion} only.");
        }

        var reader = new Reader(path, bytes.AsSpan(0, bytes.Length - ChecksumSize), HeaderSize - 4);
        int count = reader.ReadInt32("the tensor count");
        if (count < 0)
        {
            throw reader.Corrupt($"its tensor count is {count}");
        }
        var entries = new List<Entry>(Math.Min(count, reader.Remaining / MinimumEntrySize));
        for (int i = 0; i < count; i++)
        {
            int nameLength = reader.ReadInt32($"the name length of tensor {i}");
            if (nameLength < 0)
            {
                throw reader.Corrupt($"tensor {i} has a name length of {nameLength}");
            }
            ReadOnlySpan<byte> nameBytes = reader.ReadBytes(nameLength, $"the name of tensor {i}");
            string name;
            try
            {
                name = s_strictUtf8.GetString(nameBytes);
            }
            catch (DecoderFallbackException)
            {
                throw reader.Corrupt($"the name of tensor {i} is not valid UTF-8");
            }

            int rank = reader.ReadInt32($"the rank of tensor {i} ('{name}')");
            if (rank is not (1 or 2))
            {
                throw reader.Corrupt($"tensor {i} ('{name}') has rank {rank}, but only 1 and 2 are supported");
            }
            int rows = rank == 2 ? reader.ReadInt32($"the rows of tensor {i} ('{name}')") : 1;
            int columns = reader.ReadInt32($"the {(rank == 2 ? "columns" : "length")} of tensor {i} ('{name}')");
            string shape = ShapeText(rank, rows, columns);
            if (rows < 0 || columns < 0)
            {
                throw reader.Corrupt($"tensor {i} ('{name}') has shape {shape}, with a negative dimension");
            }
            // rows·columns fits in a long; its byte count may not, but then it exceeds any file that can be read anyway.
            long elementCount = (long)rows * columns;
            long dataLength = elementCount <= int.MaxValue ? elementCount * sizeof(float) : long.MaxValue;
            int dataOffset = reader.Position;
            reader.Skip(dataLength, $"the {elementCount} elements of tensor {i} ('{name}', shape {shape})");
            entries.Add(new Entry(name, rank, rows, columns, dataOffset));
        }
        if (reader.Remaining != 0)
        {
            throw reader.Corrupt($"it has {reader.Remaining} unexpected bytes after its last tensor, before the checksum");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - ChecksumSize));
        uint actual = Crc32.Compute(bytes.AsSpan(0, bytes.Length - ChecksumSize));
        if (stored != actual)
        {
            throw new InvalidDataException(
                $"Weight file '{path}' is corrupt: its stored checksum is 0x{stored:X8}, but its content sums to 0x{actual:X8}.");
        }
        return entries;
    }

    private static void RequireSameLayout(string path, List<Entry> entries, IReadOnlyList<KeyValuePair<string, Tensor>> destination)
    {
        if (entries.Count != destination.Count)
        {
            throw new ArgumentException(
                $"Weight file '{path}' holds {entries.Count} tensors ({Names(entries.Select(e => e.Name))}), " +
                $"but the destination has {destination.Count} ({Names(destination.Select(d => d.Key))}).",
                nameof(destination));
        }
        for (int i = 0; i < entries.Count; i++)
        {
            Entry entry = entries[i];
            (string name, Tensor tensor) = destination[i];
            if (entry.Name != name)
            {
                int indexInFile = entries.FindIndex(e => e.Name == name);
                string hint = indexInFile < 0
                    ? $"The file has no tensor named '{name}'."
                    : $"The file has '{name}' as tensor {indexInFile}; the order differs.";
                throw new ArgumentException(
                    $"Weight file '{path}' does not match the destination at tensor {i}: the file has '{entry.Name}' with shape " +
                    $"{entry.ShapeText}, the destination has '{name}' with shape {tensor.ShapeText}. {hint}",
                    nameof(destination));
            }
            if (entry.Rank != tensor.Rank || entry.Rows != tensor.Rows || entry.Columns != tensor.Columns)
            {
                throw new ArgumentException(
                    $"Weight file '{path}': tensor {i} '{name}' has shape {entry.ShapeText} in the file, but {tensor.ShapeText} in the destination.",
                    nameof(destination));
            }
        }
    }

    private static void CopyElements(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The save's own exception is the one to report; a leftover temporary file is only clutter.
        }
    }

    private static string ShapeText(int rank, int rows, int columns) => rank == 1 ? $"[{columns}]" : $"[{rows}, {columns}]";

    private static string Hex(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "nothing (the file is empty)" : "0x" + Convert.ToHexString(bytes);

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>Where one tensor's header said its elements are.</summary>
    private readonly record struct Entry(string Name, int Rank, int Rows, int Columns, int DataOffset)
    {
        public string ShapeText => WeightFile.ShapeText(Rank, Rows, Columns);
    }

    /// <summary>Reads the file's content (without its checksum), reporting any overrun as truncation with the file and field.</summary>
    private ref struct Reader(string path, ReadOnlySpan<byte> content, int position)
    {
        private readonly ReadOnlySpan<byte> _content = content;

        public int Position { get; private set; } = position;

        public readonly int Remaining => _content.Length - Position;

        public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(sizeof(int), what));

        public ReadOnlySpan<byte> ReadBytes(int length, string what)
        {
            Skip(length, what);
            return _content.Slice(Position - length, length);
        }

        public void Skip(long length, string what)
        {
            if (length > Remaining)
            {
                throw new InvalidDataException(
                    $"Weight file '{path}' is truncated or corrupt: {what} needs {length} bytes at offset {Position}, " +
                    $"but only {Remaining} remain before the {ChecksumSize}-byte checksum (the file has {_content.Length + ChecksumSize} bytes).");
            }
            Position += (int)length;
        }

        public readonly InvalidDataException Corrupt(string what) => new($"Weight file '{path}' is corrupt: {what}.");
    }

    /// <summary>Writes to a stream while computing the CRC-32 of everything written.</summary>
    private sealed class ChecksummedWriter(Stream stream)
    {
        public uint Checksum { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Checksum = Crc32.Append(Checksum, bytes);
            stream.Write(bytes);
        }

        public void WriteInt32(int value)
        {
            Span<byte> bytes = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            Write(bytes);
        }

        public void WriteElements(ReadOnlySpan<float> elements)
        {
            if (BitConverter.IsLittleEndian)
            {
                Write(MemoryMarshal.AsBytes(elements));
                return;
            }
            Span<byte> bytes = stackalloc byte[sizeof(float)];
            foreach (float element in elements)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes, element);
                Write(bytes);
            }
        }
    }
}
