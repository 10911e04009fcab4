import { Placeholder } from '../../components/Placeholder';

export default function TimelinePage() {
  return <Placeholder title="Alias timeline" />;
}
