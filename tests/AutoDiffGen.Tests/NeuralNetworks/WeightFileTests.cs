using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using AutoDiffGen.Tests.Data;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>
/// Weight files round-trip names, shapes and bits; saving is atomic; loading rejects truncated, corrupt and
/// mismatched files with messages that name the file.
/// </summary>
public sealed class WeightFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();

    private static KeyValuePair<string, Tensor> Named(string name, Tensor tensor) => new(name, tensor);

    private static List<KeyValuePair<string, Tensor>> SmallModel() =>
    [
        Named("dense/kernel", Tensor.FromArray(2, 3, [1f, -2f, 3.5f, 0f, 1e-3f, -7f])),
        Named("dense/bias", Tensor.FromArray([0.25f, -0.5f, 1f])),
    ];

    private string SaveSmallModel(string name = "model.adgw")
    {
        string path = _directory.Combine(name);
        WeightFile.Save(path, SmallModel());
        return path;
    }

    private static void AssertSameTensors(IReadOnlyList<KeyValuePair<string, Tensor>> expected, IReadOnlyList<KeyValuePair<string, Tensor>> actual)
    {
        Assert.Equal(expected.Select(e => e.Key), actual.Select(a => a.Key));
        for (int i = 0; i < expected.Count; i++)
        {
            Tensor e = expected[i].Value;
            Tensor a = actual[i].Value;
            Assert.Equal((e.Rank, e.Rows, e.Columns), (a.Rank, a.Rows, a.Columns));
            // Compare bits, so NaN payloads and -0 count.
            Assert.Equal(e.AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits), a.AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Round_trip_keeps_names_order_shapes_and_every_bit()
    {
        List<KeyValuePair<string, Tensor>> tensors =
        [
            Named("dense/kernel", Tensor.FromArray(2, 3, [1f, -2f, 3.5f, 0f, 1e-3f, -7f])),
            Named("", Tensor.FromArray([float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue])),
            Named("couche_dense/poids_ü_λ_😀", Tensor.FromArray(1, 2, [3f, 4f])),
            Named("empty vector", Tensor.Zeros(0)),
            Named("empty matrix", Tensor.Zeros(0, 5)),
            Named("dense/kernel", Tensor.FromArray([9f])), // names need not be unique
        ];
        string path = _directory.Combine("weights.adgw");

        WeightFile.Save(path, tensors);
        IReadOnlyList<KeyValuePair<string, Tensor>> loaded = WeightFile.Load(path);

        AssertSameTensors(tensors, loaded);
        Assert.Equal(2, loaded[2].Value.Rank); // a 1×2 matrix stays a matrix
        Assert.NotSame(tensors[0].Value, loaded[0].Value);
    }

    [Fact]
    public void The_layout_is_the_documented_one_with_a_zlib_compatible_crc32()
    {
        string path = _directory.Combine("one.adgw");
        WeightFile.Save(path, [Named("b", Tensor.FromArray([1f]))]);

        // "ADGW", version 1, count 1, name length 1, "b", rank 1, length 1, 1.0f, then zlib.crc32 of those 29 bytes.
        Assert.Equal("414447570100000001000000010000006201000000010000000000803F" + "4E75C5BA", Convert.ToHexString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(Crc32.Compute("123456789"u8), Crc32.Append(Crc32.Compute("1234"u8), "56789"u8));
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        string path = SaveSmallModel();
        List<KeyValuePair<string, Tensor>> replacement = [Named("other", Tensor.FromArray([5f]))];

        WeightFile.Save(path, replacement);

        AssertSameTensors(replacement, WeightFile.Load(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_existing_file_intact_and_no_temporary_file()
    {
        string path = SaveSmallModel();
        byte[] before = File.ReadAllBytes(path);
        List<KeyValuePair<string, Tensor>> broken = [Named("big", Tensor.Zeros(1000)), Named("missing", null!)];

        var e = Assert.Throws<ArgumentException>(() => WeightFile.Save(path, broken));

        Assert.Contains("namedTensors[1] ('missing') has a null tensor", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void A_save_whose_rename_fails_deletes_its_temporary_file()
    {
        // The path is an existing directory: the content is written, but the final rename cannot replace a directory.
        string path = _directory.Combine("taken");
        Directory.CreateDirectory(path);

        Exception e = Record.Exception(() => WeightFile.Save(path, SmallModel()));

        Assert.True(e is IOException or UnauthorizedAccessException, $"unexpected {e?.GetType()}: {e?.Message}");
        Assert.Empty(Directory.GetFiles(_directory.Path));
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void A_save_into_a_missing_directory_names_it_and_creates_nothing()
    {
        string path = _directory.Combine(Path.Combine("no-such-directory", "model.adgw"));

        var e = Assert.Throws<DirectoryNotFoundException>(() => WeightFile.Save(path, SmallModel()));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void Save_rejects_a_null_name_and_a_name_that_is_not_valid_utf16()
    {
        string path = _directory.Combine("bad.adgw");
        var nullName = Assert.Throws<ArgumentException>(() => WeightFile.Save(path, [Named(null!, Tensor.Zeros(1))]));
        Assert.Contains("namedTensors[0] has a null name", nullName.Message, StringComparison.Ordinal);
        var loneSurrogate = Assert.Throws<ArgumentException>(() => WeightFile.Save(path, [Named("ok", Tensor.Zeros(1)), Named("bad\uD800", Tensor.Zeros(1))]));
        Assert.Contains("namedTensors[1]", loneSurrogate.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void LoadInto_overwrites_the_destination_tensors()
    {
        string path = SaveSmallModel();
        List<KeyValuePair<string, Tensor>> destination = [Named("dense/kernel", Tensor.Zeros(2, 3)), Named("dense/bias", Tensor.Zeros(3))];
        Tensor kernel = destination[0].Value;

        WeightFile.LoadInto(path, destination);

        AssertSameTensors(SmallModel(), destination);
        Assert.Same(kernel, destination[0].Value);
    }

    [Fact]
    public void LoadInto_a_tensor_of_another_shape_names_the_file_the_tensor_and_both_shapes_and_changes_nothing()
    {
        string path = SaveSmallModel();
        List<KeyValuePair<string, Tensor>> destination = [Named("dense/kernel", Tensor.Zeros(2, 3)), Named("dense/bias", Tensor.Zeros(4))];

        var e = Assert.Throws<ArgumentException>(() => WeightFile.LoadInto(path, destination));

        Assert.Equal("destination", e.ParamName);
        Assert.Contains($"Weight file '{path}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'dense/bias' has shape [3] in the file, but [4] in the destination", e.Message, StringComparison.Ordinal);
        Assert.All(destination[0].Value.AsSpan().ToArray(), v => Assert.Equal(0f, v)); // checked before anything is copied
    }

    [Fact]
    public void LoadInto_other_names_or_order_or_count_is_explained()
    {
        string path = SaveSmallModel();

        var renamed = Assert.Throws<ArgumentException>(() =>
            WeightFile.LoadInto(path, [Named("dense/kernel", Tensor.Zeros(2, 3)), Named("dense_1/bias", Tensor.Zeros(3))]));
        Assert.Contains(path, renamed.Message, StringComparison.Ordinal);
        Assert.Contains("the file has 'dense/bias' with shape [3], the destination has 'dense_1/bias' with shape [3]", renamed.Message, StringComparison.Ordinal);
        Assert.Contains("no tensor named 'dense_1/bias'", renamed.Message, StringComparison.Ordinal);

        var swapped = Assert.Throws<ArgumentException>(() =>
            WeightFile.LoadInto(path, [Named("dense/bias", Tensor.Zeros(3)), Named("dense/kernel", Tensor.Zeros(2, 3))]));
        Assert.Contains("the file has 'dense/kernel' with shape [2, 3], the destination has 'dense/bias' with shape [3]", swapped.Message, StringComparison.Ordinal);
        Assert.Contains("the order differs", swapped.Message, StringComparison.Ordinal);

        var fewer = Assert.Throws<ArgumentException>(() => WeightFile.LoadInto(path, [Named("dense/kernel", Tensor.Zeros(2, 3))]));
        Assert.Contains($"Weight file '{path}' holds 2 tensors ('dense/kernel', 'dense/bias'), but the destination has 1 ('dense/kernel')", fewer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_reported_as_truncated_naming_the_file()
    {
        string path = SaveSmallModel();
        byte[] bytes = File.ReadAllBytes(path);
        string truncated = _directory.Combine("truncated.adgw");

        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(truncated, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(truncated));
            Assert.Contains($"'{truncated}'", e.Message, StringComparison.Ordinal);
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_truncated_tensor_is_named_with_its_shape()
    {
        string path = SaveSmallModel();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^6]);

        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(path));

        Assert.Contains("the 3 elements of tensor 1 ('dense/bias', shape [3]) needs 12 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_single_byte_corruption_is_detected_naming_the_file()
    {
        string path = SaveSmallModel();
        byte[] bytes = File.ReadAllBytes(path);
        string corrupt = _directory.Combine("corrupt.adgw");

        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[i] ^= 0x10;
            File.WriteAllBytes(corrupt, copy);
            var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(corrupt));
            Assert.Contains($"'{corrupt}'", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_changed_element_fails_the_checksum_and_LoadInto_changes_nothing()
    {
        string path = SaveSmallModel();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x01; // the lowest bit of the last element's high byte, just before the checksum
        File.WriteAllBytes(path, bytes);
        List<KeyValuePair<string, Tensor>> destination = [Named("dense/kernel", Tensor.Zeros(2, 3)), Named("dense/bias", Tensor.Zeros(3))];

        var e = Assert.Throws<InvalidDataException>(() => WeightFile.LoadInto(path, destination));

        Assert.Contains($"Weight file '{path}' is corrupt: its stored checksum is 0x", e.Message, StringComparison.Ordinal);
        Assert.All(destination.SelectMany(d => d.Value.AsSpan().ToArray()), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Bytes_after_the_end_are_rejected()
    {
        string path = SaveSmallModel();
        File.AppendAllText(path, "extra");

        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(path));

        Assert.Contains("5 unexpected bytes after its last tensor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_kind_of_file_or_format_version_is_named_as_such()
    {
        string text = _directory.Write("notes.txt", Encoding.ASCII.GetBytes("hello, world"));
        var notWeights = Assert.Throws<InvalidDataException>(() => WeightFile.Load(text));
        Assert.Contains($"'{text}' is not an AutoDiffGen weight file: it starts with 0x68656C6C", notWeights.Message, StringComparison.Ordinal);

        byte[] bytes = File.ReadAllBytes(SaveSmallModel());
        bytes[4] = 2;
        string future = _directory.Write("future.adgw", bytes);
        var version = Assert.Throws<InvalidDataException>(() => WeightFile.Load(future));
        Assert.Contains($"Weight file '{future}' has format version 2", version.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_declared_shape_is_rejected_without_allocating_it()
    {
        string path = _directory.Combine("huge.adgw");
        WeightFile.Save(path, [Named("w", Tensor.FromArray(1, 1, [1f]))]);
        byte[] bytes = File.ReadAllBytes(path);
        // Rows and columns sit after magic, version, count, name length, "w" and rank: offsets 21 and 25.
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 21);
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 25);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => WeightFile.Load(path));

        Assert.Contains("shape [2147483647, 2147483647]", e.Message, StringComparison.Ordinal);
    }
}
