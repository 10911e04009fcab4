import { Placeholder } from '../../components/Placeholder';

export default function ModelPage() {
  return <Placeholder title="Model" />;
}
