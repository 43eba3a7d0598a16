namespace AutoDiffGen.Generator.Ir;

/// <summary>One enclosing type declaration, outermost first, as it must be reopened: for example <c>static partial class Losses</c>.</summary>
/// <param name="Keywords">Modifiers and kind, such as <c>static partial class</c> or <c>partial record struct</c>.</param>
/// <param name="Name">The name with type parameters, such as <c>Box&lt;T&gt;</c>.</param>
internal sealed record ContainingTypeInfo(string Keywords, string Name);

/// <summary>Where generated members go: a namespace (empty for the global one) and the chain of partial types.</summary>
internal sealed record TypeHierarchy(string Namespace, EquatableArray<ContainingTypeInfo> Types)
{
    /// <summary>A file-name-safe form for hint names, such as <c>MyApp.Losses.Inner</c>.</summary>
    public string FileNameHint
    {
        get
        {
            var builder = new System.Text.StringBuilder(Namespace);
            foreach (ContainingTypeInfo type in Types)
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }
                foreach (char c in type.Name)
                {
                    builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
                }
            }
            return builder.ToString();
        }
    }
}
