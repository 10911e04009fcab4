import { useParams } from 'react-router';

/** A routable page whose content is still to come (issue #17): it names itself and its URL parameters. */
export function Placeholder({ title }: { title: string }) {
  const params = useParams();
  return (
    <section>
      <h1>{title}</h1>
      <dl className="placeholder">
        {Object.entries(params).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
