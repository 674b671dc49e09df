using System.Collections;
using System.Runtime.CompilerServices;
using System.Globalization;
using SyfalaGraph.Abstractions.Parameters;
using SyfalaGraph.Engine.Graph;
using SyfalaGraph.Engine.Yaml;

namespace SyfalaGraph.Engine.Parameters;

/// <summary>
/// Binds a YAML <c>params:</c> mapping to a <see cref="NodeParameters"/> record. Every problem — unknown key,
/// wrong type, out of range, missing required key, a failed <see cref="NodeParameters.Validate"/> — is
/// collected with the position of the key or value at fault; binding goes on after an error so that all
/// problems of a file are reported at once.
/// </summary>
public static class ParameterBinder
{
    // Weak keys: a plugin's types must not be kept alive by this cache once its context is unloaded.
    private static readonly ConditionalWeakTable<Type, IReadOnlyList<ParameterDescriptor>> Cache = new();

    /// <summary>The cached descriptors of <paramref name="recordType"/>.</summary>
    public static IReadOnlyList<ParameterDescriptor> Describe(Type recordType) =>
        Cache.GetValue(recordType, ParameterDescriptor.Describe);

    /// <summary>Binds and validates; returns null when any error was added to <paramref name="errors"/>.</summary>
    /// <param name="parametersType">The node type's parameters record.</param>
    /// <param name="node">The <c>params:</c> value, or null when absent.</param>
    /// <param name="fallback">Position used for errors that have no key (the node's <c>type:</c>).</param>
    /// <param name="graphDirectory">Folder that relative <see cref="FilePathAttribute"/> paths resolve against.</param>
    /// <param name="errors">Receives the errors.</param>
    public static NodeParameters? Bind(Type parametersType, YNode? node, SourcePosition fallback, string graphDirectory, List<GraphError> errors)
    {
        int before = errors.Count;
        object? bound;
        try
        {
            bound = BindObject(parametersType, node, fallback, errors, graphDirectory);
        }
        catch (Exception ex)
        {
            // The record and its setters are plugin code and metadata: a damaged plugin assembly fails here
            // (BadImageFormatException, MissingMethodException, TargetInvocationException...), as a graph error.
            Exception cause = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
            string detail = Plugins.PluginLoadContext.WithRealPaths($"{cause.GetType().Name}: {cause.Message}", parametersType);
            errors.Add(new GraphError(node?.Position ?? fallback, $"the parameters of this node type cannot be bound ({parametersType.Name}): {detail}"));
            return null;
        }

        if (bound is not NodeParameters parameters || errors.Count > before)
        {
            return null;
        }

        Report(parameters.Validate, node, fallback, errors);
        return errors.Count > before ? null : parameters;
    }

    /// <summary>
    /// Runs a node's check (<see cref="NodeParameters.Validate"/> or <see cref="NodeParameters.ValidateStream"/>) and adds
    /// each <see cref="ParameterError"/> at the key it names in <paramref name="node"/> (its <c>params:</c> map), else at the
    /// map, else at <paramref name="fallback"/>. A check that throws (plugin code) is one error, not a crash.
    /// </summary>
    public static void Report(Func<IEnumerable<ParameterError>> check, YNode? node, SourcePosition fallback, List<GraphError> errors)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            foreach (ParameterError e in check())
            {
                SourcePosition pos = e.Parameter is not null && node is YMapping map && map.GetKey(e.Parameter) is { } key
                    ? key.Position
                    : node?.Position ?? fallback;
                errors.Add(new GraphError(pos, e.Parameter is null ? e.Message : $"{e.Parameter}: {e.Message}"));
            }
        }
        catch (Exception ex)
        {
            errors.Add(new GraphError(node?.Position ?? fallback, "parameter validation failed: " + ex.Message));
        }
    }

    /// <summary>The element type of an array, <see cref="IReadOnlyList{T}"/>, <see cref="IList{T}"/> or <see cref="List{T}"/>; null otherwise.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType)
        {
            Type def = type.GetGenericTypeDefinition();
            if (def == typeof(IReadOnlyList<>) || def == typeof(List<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>)
                || def == typeof(IReadOnlyCollection<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static object? BindObject(Type type, YNode? node, SourcePosition fallback, List<GraphError> errors, string graphDirectory)
    {
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            errors.Add(new GraphError(fallback, $"internal: {type.Name} has no parameterless constructor"));
            return null;
        }

        object instance = Activator.CreateInstance(type)!;
        IReadOnlyList<ParameterDescriptor> descriptors = Describe(type);
        YMapping? map = null;
        if (node is YMapping m)
        {
            map = m;
        }
        else if (node is not null && !(node is YScalar s && s.IsNull))
        {
            errors.Add(new GraphError(node.Position, $"expected a mapping of parameters, got {node.KindName}"));
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((YScalar key, YNode value) in map?.Entries ?? [])
        {
            if (!seen.Add(key.Value))
            {
                errors.Add(new GraphError(key.Position, $"duplicate parameter '{key.Value}'"));
                continue;
            }

            ParameterDescriptor? d = descriptors.FirstOrDefault(p => p.Name == key.Value);
            if (d is null)
            {
                string known = descriptors.Count == 0 ? "this node type takes no parameters"
                    : "known: " + string.Join(", ", descriptors.Select(p => p.Name));
                errors.Add(new GraphError(key.Position,
                    $"unknown parameter '{key.Value}'{Suggestions.DidYouMean(key.Value, descriptors.Select(p => p.Name))}; {known}"));
                continue;
            }

            if (TryConvert(d.Type, value, d.Name, errors, graphDirectory, out object? converted))
            {
                if (!CheckRange(d, converted, value, errors))
                {
                    continue;
                }

                if (d.IsFilePath && converted is string path && path.Length > 0)
                {
                    converted = Path.GetFullPath(Path.Combine(graphDirectory, path));
                }

                d.Property.SetValue(instance, converted);
            }
        }

        foreach (ParameterDescriptor d in descriptors.Where(d => d.IsRequired && !seen.Contains(d.Name)))
        {
            errors.Add(new GraphError(map?.Position ?? fallback, $"missing required parameter '{d.Name}'" +
                (d.Description.Length > 0 ? $" ({d.Description})" : "")));
        }

        return instance;
    }

    private static bool CheckRange(ParameterDescriptor d, object? value, YNode node, List<GraphError> errors)
    {
        if (d.Range is null || value is null)
        {
            return true;
        }

        if (value is IEnumerable items and not string)
        {
            foreach (object? item in items)
            {
                if (item is not null && !d.Range.IsValid(item))
                {
                    errors.Add(new GraphError(node.Position, $"{d.Name}: every value must be between {d.Range.Minimum} and {d.Range.Maximum}{UnitSuffix(d)} (got {Format(item)})"));
                    return false;
                }
            }

            return true;
        }

        if (!d.Range.IsValid(value))
        {
            errors.Add(new GraphError(node.Position, $"{d.Name} must be between {d.Range.Minimum} and {d.Range.Maximum}{UnitSuffix(d)} (got {Format(value)})"));
            return false;
        }

        return true;
    }

    private static string UnitSuffix(ParameterDescriptor d) => d.Unit is null ? "" : " " + d.Unit;

    private static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static bool TryConvert(Type type, YNode node, string name, List<GraphError> errors, string graphDirectory, out object? value)
    {
        value = null;
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (node is YScalar { IsNull: true } && (underlying is not null || !type.IsValueType))
        {
            return true;
        }

        Type target = underlying ?? type;
        Type? element = ElementType(target);
        if (element is not null)
        {
            if (node is not YSequence seq)
            {
                errors.Add(new GraphError(node.Position, $"{name}: expected a list, got {node.KindName}"));
                return false;
            }

            Array array = Array.CreateInstance(element, seq.Items.Count);
            bool ok = true;
            for (int i = 0; i < seq.Items.Count; i++)
            {
                if (TryConvert(element, seq.Items[i], $"{name}[{i}]", errors, graphDirectory, out object? item))
                {
                    array.SetValue(item, i);
                }
                else
                {
                    ok = false;
                }
            }

            if (!ok)
            {
                return false;
            }

            value = target.IsArray || target.IsInterface ? array : Activator.CreateInstance(target, array);
            return true;
        }

        if (target != typeof(string) && !target.IsPrimitive && !target.IsEnum && target != typeof(decimal))
        {
            int before = errors.Count;
            value = BindObject(target, node, node.Position, errors, graphDirectory);
            return errors.Count == before;
        }

        if (node is not YScalar scalar)
        {
            errors.Add(new GraphError(node.Position, $"{name}: expected {ParameterDescriptor.TypeName(target)}, got {node.KindName}"));
            return false;
        }

        if (scalar.IsNull)
        {
            errors.Add(new GraphError(node.Position, $"{name}: a value is required ({ParameterDescriptor.TypeName(target)})"));
            return false;
        }

        string text = scalar.Value;
        if (target == typeof(string))
        {
            value = text;
            return true;
        }

        if (target.IsEnum)
        {
            string loose = SnakeCase.Loose(text);
            foreach (string n in Enum.GetNames(target))
            {
                if (SnakeCase.Loose(n) == loose)
                {
                    value = Enum.Parse(target, n);
                    return true;
                }
            }

            string[] names = Enum.GetNames(target).Select(SnakeCase.From).ToArray();
            errors.Add(new GraphError(node.Position, $"{name}: '{text}' is not one of {string.Join(", ", names)}{Suggestions.DidYouMean(text, names)}"));
            return false;
        }

        if (scalar.Quoted)
        {
            // The quotes are the fault only when the text without them is of the right type ("48000", not "1k").
            bool unquotedFits = target == typeof(bool)
                ? text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE"
                : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
            errors.Add(new GraphError(node.Position, $"{name}: expected {ParameterDescriptor.TypeName(target)}, got the string \"{text}\"{(unquotedFits ? " (remove the quotes)" : "")}"));
            return false;
        }

        if (target == typeof(bool))
        {
            if (text is "true" or "True" or "TRUE")
            {
                value = true;
                return true;
            }

            if (text is "false" or "False" or "FALSE")
            {
                value = false;
                return true;
            }

            errors.Add(new GraphError(node.Position, $"{name}: expected true or false, got '{text}'"));
            return false;
        }

        if (target == typeof(double) || target == typeof(float))
        {
            // YAML 1.2 numbers only (what an editor checks against the schema): '1_000' and 'Infinity' are strings.
            if (!YamlNumbers.TryParseFloat(text, out double d))
            {
                errors.Add(new GraphError(node.Position, $"{name}: expected a number, got '{text}'"));
                return false;
            }

            value = target == typeof(float) ? (float)d : d;
            return true;
        }

        if (!YamlNumbers.TryParseInteger(text, out long l))
        {
            string hint = YamlNumbers.TryParseFloat(text, out _) ? " (a whole number is required)"
                : text.Contains('_', StringComparison.Ordinal) ? " (write the digits without '_')" : "";
            errors.Add(new GraphError(node.Position, $"{name}: expected an integer, got '{text}'{hint}"));
            return false;
        }

        try
        {
            value = Convert.ChangeType(l, target, CultureInfo.InvariantCulture);
            return true;
        }
        catch (OverflowException)
        {
            errors.Add(new GraphError(node.Position, $"{name}: {text} is out of range for {target.Name}"));
            return false;
        }
    }
}
